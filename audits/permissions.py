"""Who may do what, in one place. Each rule is `rule(user, obj) -> bool`; `obj` is the
engagement or an object that carries `.engagement`. Visibility (who may *see*) lives in
querysets.py; these rules decide writes on objects the caller can already see."""

from audits.choices import Role, TeamRole

ORGANIZATION_WRITERS = {Role.SAI_ADMIN}
USER_WRITERS = {Role.SAI_ADMIN}
ENGAGEMENT_CREATORS = {Role.SUPERVISOR, Role.AUDITOR}
# Team roles that write the audit itself (findings, recommendation status, sanctions).
AUDITOR_TEAM_ROLES = {TeamRole.TEAM_LEADER, TeamRole.AUDITOR}


def _engagement(obj):
    return getattr(obj, "engagement", obj)


def team_role(user, obj):
    """The user's role on the object's engagement team, or None. Cached per engagement."""
    if not user or not user.is_authenticated or user.accreditation_lapsed:
        return None
    engagement = _engagement(obj)
    cache = engagement.__dict__.setdefault("_team_role_cache", {})
    if user.pk not in cache:
        roles = engagement.members.filter(user=user).order_by().values_list("role", flat=True)
        cache[user.pk] = roles.first()
    return cache[user.pk]


def is_team_member(user, obj) -> bool:
    return team_role(user, obj) is not None


def is_team_leader(user, obj) -> bool:
    return team_role(user, obj) == TeamRole.TEAM_LEADER


def is_team_auditor(user, obj) -> bool:
    return team_role(user, obj) in AUDITOR_TEAM_ROLES


def is_supervisor(user, obj) -> bool:
    engagement = _engagement(obj)
    return user.has_role(Role.SUPERVISOR) and user.organization_id == engagement.sai_id


def is_team_leader_or_supervisor(user, obj) -> bool:
    return is_team_leader(user, obj) or is_supervisor(user, obj)


def is_team_auditor_or_supervisor(user, obj) -> bool:
    return is_team_auditor(user, obj) or is_supervisor(user, obj)


def is_auditee_respondent(user, obj) -> bool:
    """An agency respondent of the engagement's auditee (or of an agency above it)."""
    if not user.has_role(Role.AGENCY_RESPONDENT) or user.organization_id is None:
        return False
    from audits.models import Organization

    auditee_id = _engagement(obj).auditee_id
    return Organization.objects.subtree_of(user.organization_id).filter(pk=auditee_id).exists()


def can_manage_team(user, engagement) -> bool:
    return is_team_leader_or_supervisor(user, engagement)


def can_edit_engagement(user, engagement) -> bool:
    return is_team_leader_or_supervisor(user, engagement)


def can_file_evidence(user, engagement) -> bool:
    """Filing evidence is fieldwork: team members only (a supervisor not on the team
    reads the evidence but does not file it). Lapsed CSO auditors have no team role."""
    return is_team_member(user, engagement)
