"""Who sees what. Every read starts here: `Model.objects.visible_to(user)`.

Each rule is one SQL subquery on indexed columns, never a list of ids built in Python,
so a page costs the same number of queries whatever the caller may see.
"""

from django.apps import apps
from django.db import models
from django.db.models import Q

from audits.choices import EngagementStatus, FindingStatus, OrganizationKind, Role

# Agencies see their engagements once fieldwork starts; the public once reporting starts.
AGENCY_VISIBLE_STATUSES = [
    EngagementStatus.FIELDWORK,
    EngagementStatus.REPORTING,
    EngagementStatus.FOLLOW_UP,
    EngagementStatus.CLOSED,
]
OVERSIGHT_VISIBLE_STATUSES = [
    EngagementStatus.REPORTING,
    EngagementStatus.FOLLOW_UP,
    EngagementStatus.CLOSED,
]
PUBLISHED_FINDING_STATUSES = [FindingStatus.ISSUED, FindingStatus.CLOSED]


def _model(name):
    return apps.get_model("audits", name)


def _is_blind(user) -> bool:
    """Anonymous callers, users without a role and lapsed CSO auditors see nothing."""
    return not user.is_authenticated or not user.effective_role or user.accreditation_lapsed


class OrganizationQuerySet(models.QuerySet):
    def subtree_of(self, organization_id):
        """The organisation and everything below it, as one query (no recursion in Python)."""
        from audits.models.organizations import MAX_ORGANIZATION_DEPTH

        q = Q(pk=organization_id)
        lookup = "parent_id"
        for _level in range(MAX_ORGANIZATION_DEPTH - 1):
            q |= Q(**{lookup: organization_id})
            lookup = "parent__" + lookup
        return self.filter(q)

    def visible_to(self, user):
        """Organisations are public directory data for anyone logged in."""
        return self.all() if user.is_authenticated else self.none()


class UserQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The SAI administrator sees everyone; other SAI staff everyone they could put on
        a team (not another SAI's staff); the rest see their own organisation."""
        if not user.is_authenticated:
            return self.none()
        if user.has_role(Role.SAI_ADMIN):
            return self.all()
        if user.is_sai_staff:
            other_sai = Q(organization__kind=OrganizationKind.SAI) & ~Q(
                organization_id=user.organization_id
            )
            return self.exclude(other_sai)
        return self.filter(Q(pk=user.pk) | Q(organization_id=user.organization_id))


class EngagementQuerySet(models.QuerySet):
    def _membership_ids(self, user):
        return _model("EngagementMember").objects.filter(user=user).values("engagement_id")

    def _granted_ids(self, user):
        return (
            _model("EngagementUserObjectPermission")
            .objects.filter(user=user, permission__codename="view_engagement")
            .values("content_object_id")
        )

    def _inside_scope(self, user) -> Q:
        """Engagements whose whole file (drafts, team evidence) the user may read."""
        role = user.effective_role
        if role == Role.SAI_ADMIN:
            # Not `Q()`: an empty Q vanishes when OR-ed (`Q() | X` is just `X`).
            return Q(pk__isnull=False)
        if role == Role.SUPERVISOR:
            return Q(sai_id=user.organization_id) | Q(pk__in=self._granted_ids(user))
        return Q(pk__in=self._membership_ids(user)) | Q(pk__in=self._granted_ids(user))

    def _published_scope(self, user) -> Q:
        """Engagements of which the user may read only what has been issued."""
        role = user.effective_role
        if role == Role.AGENCY_RESPONDENT:
            agencies = _model("Organization").objects.subtree_of(user.organization_id)
            return Q(auditee__in=agencies.values("pk"), status__in=AGENCY_VISIBLE_STATUSES)
        if role == Role.OVERSIGHT:
            return Q(status__in=OVERSIGHT_VISIBLE_STATUSES)
        return Q(pk__in=[])

    def with_full_access(self, user):
        if _is_blind(user):
            return self.none()
        return self.filter(self._inside_scope(user))

    def visible_to(self, user):
        if _is_blind(user):
            return self.none()
        return self.filter(self._inside_scope(user) | self._published_scope(user))

    def worked_on_by(self, user):
        """Engagements where the user is on the team (the ones they may write to)."""
        if _is_blind(user):
            return self.none()
        return self.filter(pk__in=self._membership_ids(user))


class EngagementChildQuerySet(models.QuerySet):
    """For rows that carry their engagement's key: the team and the SAI see them all,
    agencies and oversight only what `published()` says."""

    def published(self) -> Q:
        raise NotImplementedError

    def visible_to(self, user):
        if _is_blind(user):
            return self.none()
        engagements = _model("Engagement").objects
        full = engagements.with_full_access(user).values("pk")
        partial = engagements.visible_to(user).values("pk")
        return self.filter(Q(engagement__in=full) | (Q(engagement__in=partial) & self.published()))


class EvidenceQuerySet(EngagementChildQuerySet):
    def published(self):
        linked = _model("Finding").evidence.through.objects.filter(
            finding__status__in=PUBLISHED_FINDING_STATUSES
        )
        return Q(pk__in=linked.values("evidence_id"))


class FindingQuerySet(EngagementChildQuerySet):
    def published(self):
        return Q(status__in=PUBLISHED_FINDING_STATUSES)


class FindingChildQuerySet(EngagementChildQuerySet):
    """Recommendations, responses and sanctions: visible once their finding is issued."""

    def published(self):
        return Q(finding__status__in=PUBLISHED_FINDING_STATUSES)


def _engagement_visible_since(user, engagement):
    """When an engagement first reached a status that shows it to a reader of the
    published file: fieldwork for the agency, reporting for oversight."""
    if _model("Engagement").objects.with_full_access(user).filter(pk=engagement.pk).exists():
        return None
    role = user.effective_role
    statuses = (
        AGENCY_VISIBLE_STATUSES if role == Role.AGENCY_RESPONDENT else OVERSIGHT_VISIBLE_STATUSES
    )
    shown = engagement.history.filter(status__in=statuses).order_by("history_date")
    return shown.values_list("history_date", flat=True).first()


def history_visible_since(user, obj):
    """From when the caller may read `obj`'s history: None for the whole of it. Readers of
    the published file only (agencies, oversight) see a finding's history, and that of
    its recommendations, responses and sanctions, from its first issue on: the versions
    before it are drafts and the team's review. An engagement's history they read from
    when it became visible to them (fieldwork for the agency, reporting for oversight)."""
    if isinstance(obj, _model("Engagement")):
        return _engagement_visible_since(user, obj)
    finding = obj if isinstance(obj, _model("Finding")) else getattr(obj, "finding", None)
    if finding is None:
        return None
    engagements = _model("Engagement").objects.with_full_access(user)
    if engagements.filter(pk=finding.engagement_id).exists():
        return None
    issued = finding.history.filter(status__in=PUBLISHED_FINDING_STATUSES)
    return issued.order_by("history_date").values_list("history_date", flat=True).first()
