"""Who sees what. Every read starts here: `Model.objects.visible_to(user)`.

Each rule is SQL on indexed columns, so a page costs the same number of queries whatever
the caller may see. The rows below an engagement are filtered by ONE condition,
`engagement_id IN (the caller's engagements)`, never by OR-ed subqueries: PostgreSQL then
starts from what the caller may see (a team's ten engagements) instead of filtering a
scan of the whole table. An agency's engagements are read first, by one query, and passed
as a list while they are few (`_read_first`): PostgreSQL misjudges their subquery. So are
the engagements a reader of the published file may read in full (`full_access_list`):
almost always none, and then the rule is the published one alone, which an index serves.
Within one GET request each such list is read once (`reads_once`).
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.db import connections, models
from django.db.models import Exists, OuterRef, Q

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
# Up to this many engagements, an agency's are read as a list first (see `_read_first`).
AGENCY_ENGAGEMENTS_READ_FIRST = 2000


_reads = ContextVar("visibility_reads", default=None)


@contextmanager
def reads_once():
    """Within the block (one read-only request, one selector), each list of ids a
    visibility rule reads first is read once per caller, however many querysets ask for
    it. Also a decorator."""
    if _reads.get() is not None:  # already inside one: share its reads
        yield
        return
    token = _reads.set({})
    try:
        yield
    finally:
        _reads.reset(token)


def _read_once(key, read):
    memo = _reads.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


def _model(name):
    return apps.get_model("audits", name)


def _is_blind(user) -> bool:
    """Anonymous callers, users without a role and lapsed CSO auditors see nothing."""
    return not user.is_authenticated or not user.effective_role or user.accreditation_lapsed


class OrganizationQuerySet(models.QuerySet):
    def subtree_of(self, organization_id):
        """The organisation and everything below it."""
        return self.filter(pk__in=self.subtree_ids(organization_id))

    def subtree_ids(self, organization_id) -> list[int]:
        """The ids of `subtree_of`, read first as a list (once per request: see
        `reads_once`) by a recursive walk down `parent_id`, an index lookup per level.
        As a subquery PostgreSQL cannot estimate its size and hash-joins whole tables
        against it; given the ids it looks their rows up. Written as SQL because the ORM
        has no recursive query; the text runs on SQLite and PostgreSQL. UNION, not UNION
        ALL: a cycle, which validation forbids, could not make it loop."""
        connection = connections[self.db]
        table = connection.ops.quote_name(self.model._meta.db_table)
        sql = (
            f"WITH RECURSIVE subtree(id) AS (SELECT id FROM {table} WHERE id = %s UNION "
            f"SELECT child.id FROM {table} child JOIN subtree ON child.parent_id = subtree.id) "
            f"SELECT id FROM subtree ORDER BY id"
        )

        def read():
            with connection.cursor() as cursor:
                cursor.execute(sql, [organization_id])
                return [row[0] for row in cursor.fetchall()]

        return _read_once(("subtree", organization_id), read)

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


class ReminderDigestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A digest is mail: its recipient reads it, nobody else (the admin included)."""
        return self.filter(recipient=user) if user.is_authenticated else self.none()


class EngagementQuerySet(models.QuerySet):
    """The caller's engagements are a UNION of small, indexed sets (their team
    memberships, their grants, their SAI's engagements, what was published to them),
    never OR-ed subqueries: PostgreSQL estimates a union of ten memberships as ten rows
    and starts the plan from them, where an OR made it scan every engagement's rows."""

    def _membership_ids(self, user):
        return _model("EngagementMember").objects.filter(user=user).values("engagement_id")

    def _granted_ids(self, user):
        return (
            _model("EngagementUserObjectPermission")
            .objects.filter(user=user, permission__codename="view_engagement")
            .values("content_object_id")
        )

    def _inside_ids(self, user) -> list:
        """Engagements whose whole file (drafts, team evidence) the user may read."""
        if user.effective_role == Role.SUPERVISOR:
            own_sai = self.model.objects.filter(sai_id=user.organization_id).values("pk")
            return [own_sai, self._granted_ids(user)]
        return [self._membership_ids(user), self._granted_ids(user)]

    def _published_ids(self, user) -> list:
        """Engagements of which the user may read only what has been issued."""
        role = user.effective_role
        engagements = self.model.objects
        if role == Role.AGENCY_RESPONDENT:
            agencies = _model("Organization").objects.subtree_ids(user.organization_id)
            reached = engagements.filter(
                auditee_id__in=agencies, status__in=AGENCY_VISIBLE_STATUSES
            )
            return [reached.values("pk")]
        if role == Role.OVERSIGHT:
            return [engagements.filter(status__in=OVERSIGHT_VISIBLE_STATUSES).values("pk")]
        return []

    @staticmethod
    def _union(parts):
        first, *rest = [part.order_by() for part in parts]
        return first.union(*rest)

    @staticmethod
    def reads_published_only(user) -> bool:
        """Roles that may read some engagements' issued part only (agencies, oversight);
        for every other role, what it sees of an engagement it sees in full."""
        return user.effective_role in (Role.AGENCY_RESPONDENT, Role.OVERSIGHT)

    def full_access_ids(self, user):
        """The ids of the engagements the user may read in full, as one subquery (None:
        every engagement)."""
        if user.effective_role == Role.SAI_ADMIN:
            return None
        return self._union(self._inside_ids(user))

    def full_access_list(self, user) -> list:
        """`full_access_ids` read as a list, for readers of the published file: their
        teams and grants, almost always none."""

        def read():
            return [next(iter(row.values())) for row in self.full_access_ids(user)]

        return _read_once((user.pk, "full"), read)

    def visible_ids(self, user):
        """The ids of the engagements the user may see, as one subquery (None: all)."""
        if user.effective_role == Role.SAI_ADMIN:
            return None
        return self._union(self._inside_ids(user) + self._published_ids(user))

    def scope(self, user, *, full: bool, through: str = "") -> Q | None:
        """The caller's engagements as a condition on rows (`through="engagement__"` for
        rows below an engagement); None: every row.

        A caller who sees most engagements (a supervisor: the SAI's; oversight: all that
        reached reporting) gets a condition on the engagement row itself, so a page is
        read in the list's index order and stops after 50 rows. A narrow caller gets one
        semi-join on the UNION of their few engagements, where the plan starts."""
        role = user.effective_role
        if role == Role.SAI_ADMIN:
            return None
        key = f"{through}id" if through else "pk"
        if role == Role.SUPERVISOR:
            return Q(**{f"{through}sai_id": user.organization_id}) | Q(
                **{f"{key}__in": self._granted_ids(user)}
            )
        if not self.reads_published_only(user):
            ids = self.full_access_ids(user) if full else self.visible_ids(user)
            return Q(**{f"{key}__in": ids})
        inside_ids = self.full_access_list(user)
        if full:
            return Q(**{f"{key}__in": inside_ids})
        if role == Role.OVERSIGHT and not through:
            condition = Q(status__in=OVERSIGHT_VISIBLE_STATUSES)  # the engagement's own
            return condition | Q(pk__in=inside_ids) if inside_ids else condition
        if role == Role.OVERSIGHT:
            # A hashed set of ids, checked at the row's own scan before any costlier rule.
            reported = self.model.objects.filter(status__in=OVERSIGHT_VISIBLE_STATUSES)
            condition = Q(**{f"{key}__in": reported.values("pk")})
            return condition | Q(**{f"{key}__in": inside_ids}) if inside_ids else condition
        visible = _read_once((user.pk, "visible"), lambda: self._read_first(user))
        return Q(**{f"{key}__in": visible})

    def _read_first(self, user):
        """An agency's engagement ids as a list read by one query, when they are few.

        As a subquery, PostgreSQL misjudges how many engagements an agency's subtree
        reaches (a union of hierarchy levels) and merge-joins them against the rows'
        engagement index from the newest engagement down, reading tens of thousands of
        rows for a page of 50. Given the ids themselves it fetches just their rows."""
        ids = self.visible_ids(user)
        first = list(ids[: AGENCY_ENGAGEMENTS_READ_FIRST + 1])
        if len(first) > AGENCY_ENGAGEMENTS_READ_FIRST:
            return ids
        return [next(iter(row.values())) for row in first]

    def with_full_access(self, user):
        if _is_blind(user):
            return self.none()
        condition = self.scope(user, full=True)
        return self.all() if condition is None else self.filter(condition)

    def visible_to(self, user):
        if _is_blind(user):
            return self.none()
        condition = self.scope(user, full=False)
        return self.all() if condition is None else self.filter(condition)

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
        condition = engagements.scope(user, full=False, through="engagement__")
        if condition is None:
            return self.all()
        visible = self.filter(condition)
        if not engagements.reads_published_only(user):
            return visible
        # Only for rows already in the caller's engagements: drafts need full access,
        # which a reader of the published file almost never has (then one rule, no OR).
        published = self.published_within(condition, user)
        full = self.full_access_for(user)
        return visible.filter(published | full if full else published)

    def published_within(self, engagements: Q, user) -> Q:
        """`published()`, for rows already within `engagements` (the caller's)."""
        return self.published()

    @staticmethod
    def _issued_findings_within(engagements: Q):
        """An agency's issued findings (a few hundred), to start a plan from: PostgreSQL
        otherwise walks a whole list in its order, probing each row's finding, to find
        the agency's rows among everyone's."""
        findings = _model("Finding").objects
        return findings.filter(engagements, status__in=PUBLISHED_FINDING_STATUSES)

    def full_access_for(self, user) -> Q | None:
        """True for rows whose whole engagement file the caller may read; None for a
        reader of the published file who may read no engagement in full."""
        engagements = _model("Engagement").objects
        if engagements.reads_published_only(user):
            ids = engagements.full_access_list(user)
            return Q(engagement_id__in=ids) if ids else None
        condition = engagements.scope(user, full=True, through="engagement__")
        return Q(pk__isnull=False) if condition is None else condition


class EvidenceQuerySet(EngagementChildQuerySet):
    def published(self, evidence="pk"):
        """Linked to an issued finding: one index probe per row, not a set of all links."""
        linked = _model("Finding").evidence.through.objects.filter(
            evidence_id=OuterRef(evidence), finding__status__in=PUBLISHED_FINDING_STATUSES
        )
        return Q(Exists(linked))

    def published_within(self, engagements: Q, user) -> Q:
        """For an agency (a few engagements, given as ids): the set of items linked to
        their issued findings, read from the findings' side. Probing each item instead
        walks the whole evidence list in date order, newest engagements first, to find
        the agency's older ones. Oversight reads most engagements: it probes."""
        if user.effective_role != Role.AGENCY_RESPONDENT:
            return self.published() & Q(publication__isnull=False)
        issued = self._issued_findings_within(engagements)
        links = _model("Finding").evidence.through.objects.filter(finding__in=issued)
        return Q(pk__in=links.values("evidence_id"))

    def in_list_order(self, user):
        """The model's order (newest filing first). For oversight reading only the
        published file, the same order read from PublishedEvidence's index: in date
        order, the newest thousands of items are still in fieldwork, and walking the
        evidence index steps over each of them to reach a page of published ones."""
        if (
            user.is_authenticated
            and user.effective_role == Role.OVERSIGHT
            and self.full_access_for(user) is None
        ):
            return self.order_by("-publication__submitted_at", "-publication__evidence_id")
        return self

    def with_visible_chain(self, user):
        """Annotate `visible_supersedes_id` and `visible_superseded_by_id`: the item this
        one corrects and the one correcting it, where the caller may see them. Both are in
        the row's engagement (the service checks), so the visibility rule is not repeated:
        whoever may read the engagement in full sees them, a reader of the published file
        only those linked to an issued finding."""
        successor = _model("Evidence").objects.filter(supersedes_id=OuterRef("pk"))
        if not _model("Engagement").objects.reads_published_only(user):
            return self.annotate(
                visible_supersedes_id=models.F("supersedes_id"),
                visible_superseded_by_id=models.Subquery(successor.values("pk")[:1]),
            )
        full = self.full_access_for(user)
        published = self.published()
        return self.annotate(
            visible_supersedes_id=models.Case(
                models.When(
                    full | self.published("supersedes_id")
                    if full
                    else self.published("supersedes_id"),
                    then=models.F("supersedes_id"),
                ),
                default=None,
            ),
            visible_superseded_by_id=models.Subquery(
                successor.filter(full | published if full else published).values("pk")[:1]
            ),
        )


class FindingQuerySet(EngagementChildQuerySet):
    def published(self):
        return Q(status__in=PUBLISHED_FINDING_STATUSES)


class FindingChildQuerySet(EngagementChildQuerySet):
    """Recommendations, responses and sanctions: visible once their finding is issued."""

    def published(self):
        return Q(finding__status__in=PUBLISHED_FINDING_STATUSES)

    def published_within(self, engagements: Q, user) -> Q:
        """For an agency: among its issued findings' ids, read from the findings' side.
        For oversight (most engagements): at or below the newest engagement with an
        issued finding, a bound that changes no result but lets a list in engagement
        order start there, instead of stepping over the rows of every newer engagement
        (still in planning or fieldwork: a whole season's drafts at national scale).
        Only such a list gets the bound: elsewhere it only skews the planner's estimate
        (oversight's capped count of sanctions hashed all 50,000 of them)."""
        if user.effective_role != Role.AGENCY_RESPONDENT:
            if self.model._meta.ordering[:1] != ["-engagement_id"]:
                return self.published()
            issued = _model("Finding").objects.filter(status__in=PUBLISHED_FINDING_STATUSES)
            newest = issued.order_by("-engagement_id").values("engagement_id")[:1]
            return self.published() & Q(engagement_id__lte=models.Subquery(newest))
        return Q(finding__in=self._issued_findings_within(engagements).values("pk"))


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
