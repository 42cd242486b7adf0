from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from audits import permissions as can
from audits.choices import EngagementStatus, Role, TeamRole
from audits.exceptions import Conflict, NotPermitted
from audits.models import Engagement, EngagementMember
from audits.services.common import assign_fields, save_tracked
from audits.workflows import ENGAGEMENT_WORKFLOW, apply_transition

ENGAGEMENT_FIELDS = {
    "reference",
    "title",
    "subject",
    "auditee",
    "period_start",
    "period_end",
    "amount_audited",
    "location",
    "objectives",
    "criteria",
    "scope_and_methodology",
    "follow_up_of",
}
# Who is audited, by whom, and what it follows up: fixed once the engagement leaves
# planning (a finding issued to one agency must not move to another).
FIXED_AFTER_PLANNING = ("auditee", "sai", "follow_up_of")
TEAM_MANAGERS_ONLY = _lazy("Only the team leader or a supervisor manages the team.")
# Which user roles can fill which team role.
TEAM_ROLE_USER_ROLES = {
    TeamRole.TEAM_LEADER: {Role.AUDITOR, Role.SUPERVISOR},
    TeamRole.AUDITOR: {Role.AUDITOR, Role.SUPERVISOR},
    TeamRole.CSO_AUDITOR: {Role.CSO_AUDITOR},
}


@transaction.atomic
def engagement_create(*, by, **fields) -> Engagement:
    if not by.has_role(*can.ENGAGEMENT_CREATORS):
        raise NotPermitted(_("Only supervisors and auditors create engagements."))
    engagement = Engagement(sai_id=by.organization_id, created_by=by)
    assign_fields(engagement, fields, ENGAGEMENT_FIELDS)
    save_tracked(engagement, by=by, reason=_("Engagement created"))
    _member_save(
        EngagementMember(engagement=engagement, user=by, role=TeamRole.TEAM_LEADER, added_by=by),
        by=by,
        reason=_("Creator joins as team leader"),
    )
    return engagement


@transaction.atomic
def engagement_update(engagement: Engagement, *, by, change_reason: str = "", **fields):
    if not can.can_edit_engagement(by, engagement):
        raise NotPermitted(_("Only the team leader or a supervisor edits the engagement."))
    if engagement.status == EngagementStatus.CLOSED:
        raise Conflict(_("A closed engagement cannot be changed."))
    engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
    _check_fixed_fields(engagement, fields)
    changed = assign_fields(engagement, fields, ENGAGEMENT_FIELDS)
    if not changed:
        return engagement
    reason = change_reason or _("Changed: %(fields)s") % {"fields": ", ".join(changed)}
    return save_tracked(engagement, by=by, reason=reason)


def _check_fixed_fields(engagement: Engagement, fields: dict) -> None:
    """`auditee`, `sai` and `follow_up_of` change only in planning (409 after)."""
    if engagement.status == EngagementStatus.PLANNING:
        return
    for name in FIXED_AFTER_PLANNING:
        if name not in fields:
            continue
        value = fields[name]
        new = getattr(value, "pk", value)
        if str(new if new is not None else "") != str(getattr(engagement, f"{name}_id") or ""):
            label = Engagement._meta.get_field(name).verbose_name
            raise Conflict(
                _(
                    "The %(field)s is fixed once the engagement has left planning: findings, "
                    "evidence and notices were made for it. Open a new engagement instead."
                )
                % {"field": label}
            )


def engagement_transition(engagement: Engagement, *, by, to: str, reason: str = ""):
    return apply_transition(engagement, workflow=ENGAGEMENT_WORKFLOW, to=to, user=by, reason=reason)


def _member_save(member: EngagementMember, *, by, reason: str) -> EngagementMember:
    try:
        with transaction.atomic():
            return save_tracked(member, by=by, reason=reason)
    except IntegrityError as error:  # a concurrent add of the same person
        raise ValidationError({"user": [_("This person is already on the team.")]}) from error


@transaction.atomic
def member_add(engagement: Engagement, *, by, user, role: str) -> EngagementMember:
    if not can.can_manage_team(by, engagement):
        raise NotPermitted(TEAM_MANAGERS_ONLY)
    if engagement.status == EngagementStatus.CLOSED:
        raise Conflict(_("The team of a closed engagement cannot change."))
    if user.effective_role not in TEAM_ROLE_USER_ROLES[TeamRole(role)]:
        raise ValidationError(
            {
                "role": [
                    _("A user with role %(role)s cannot be a %(team_role)s.")
                    % {"role": user.effective_role, "team_role": role}
                ]
            }
        )
    if role == TeamRole.CSO_AUDITOR and user.accreditation_lapsed:
        raise ValidationError(
            {"user": [_("This citizen auditor's organisation is not accredited.")]}
        )
    if engagement.members.filter(user=user).exists():
        raise ValidationError({"user": [_("This person is already on the team.")]})
    member = EngagementMember(engagement=engagement, user=user, role=role, added_by=by)
    return _member_save(member, by=by, reason=_("Added to the team"))


@transaction.atomic
def member_remove(member: EngagementMember, *, by, reason: str = "") -> None:
    engagement = member.engagement
    if not can.can_manage_team(by, engagement):
        raise NotPermitted(TEAM_MANAGERS_ONLY)
    if engagement.status == EngagementStatus.CLOSED:
        raise Conflict(_("The team of a closed engagement cannot change."))
    leaders = (
        EngagementMember.objects.select_for_update()
        .filter(engagement=engagement, role=TeamRole.TEAM_LEADER)
        .values_list("pk", flat=True)
    )
    if member.role == TeamRole.TEAM_LEADER and list(leaders) == [member.pk]:
        raise Conflict(_("The last team leader cannot be removed; appoint another first."))
    member._change_reason = reason or _("Removed from the team")
    member._history_user = by
    member.delete()
