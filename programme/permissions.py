"""Who may do what with the programme, in one place. Rules are `rule(user, obj) -> bool`
over a procedure (or its engagement); visibility lives in querysets.py.

- The plan (objective, criteria, method, location, assignees, due date, hours): the team
  leader or a supervisor of the SAI, while the engagement is in planning or fieldwork.
- The work (observations, linked evidence): the procedure's assignees and the team leader,
  during fieldwork (or reporting, if a paper is reopened).
- Review: the team leader or a supervisor, never the person who prepared the paper (the
  team leader's own papers are reviewed by a supervisor or another team leader).
- Findings cite procedures: the team's auditors and supervisors.
- Templates: the SAI administrator."""

from audits import permissions as can
from audits.choices import EngagementStatus, Role

# The one field list the form, the serializer and the service read, by who writes them.
PLAN_FIELDS = (
    "objective",
    "criteria",
    "method",
    "location",
    "assignees",
    "due_date",
    "estimated_hours",
)
WORK_FIELDS = ("observations", "evidence")
CITATION_FIELDS = ("findings",)
PROCEDURE_FIELDS = PLAN_FIELDS + WORK_FIELDS + CITATION_FIELDS
TEMPLATE_FIELDS = ("name", "kind", "description", "is_active")
TEMPLATE_PROCEDURE_FIELDS = ("number", "objective", "criteria", "method", "location")
TEMPLATE_PROCEDURE_FIELDS += ("estimated_hours",)

PLANNING_STATUSES = {EngagementStatus.PLANNING, EngagementStatus.FIELDWORK}
WORK_STATUSES = {EngagementStatus.FIELDWORK, EngagementStatus.REPORTING}
TEMPLATE_APPLY_STATUSES = {EngagementStatus.PLANNING}
TEMPLATE_WRITERS = {Role.SAI_ADMIN}
# Roles that may be on a team at all (the services decide per engagement).
TEAM_USER_ROLES = {Role.SUPERVISOR, Role.AUDITOR, Role.CSO_AUDITOR}


def assignee_ids(procedure) -> set[int]:
    """The procedure's assignees, read once per object (a prefetch answers it for free)."""
    cache = procedure.__dict__.setdefault("_assignee_ids", None)
    if cache is None:
        cache = {user.pk for user in procedure.assignees.all()}
        procedure.__dict__["_assignee_ids"] = cache
    return cache


def is_assignee(user, procedure) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and not user.accreditation_lapsed
        and user.pk in assignee_ids(procedure)
        and can.is_team_member(user, procedure)
    )


def may_plan(user, obj) -> bool:
    return can.is_team_leader_or_supervisor(user, obj)


def may_work(user, procedure) -> bool:
    return is_assignee(user, procedure) or can.is_team_leader(user, procedure)


def may_link_evidence(user, procedure) -> bool:
    """Any team member files evidence; they may file it against any of the programme's
    procedures (the assignees and the team leader most often)."""
    return can.is_team_member(user, procedure)


def is_reviewer(user, procedure) -> bool:
    return can.is_team_leader_or_supervisor(user, procedure)


def may_review(user, procedure) -> bool:
    return is_reviewer(user, procedure) and user.pk != procedure.prepared_by_id


def may_cite(user, procedure) -> bool:
    return can.is_team_auditor_or_supervisor(user, procedure)


def may_answer(user, note) -> bool:
    return user.pk != note.author_id and may_work(user, note.procedure)


def may_write_templates(user) -> bool:
    return user.is_authenticated and user.has_role(*TEMPLATE_WRITERS)
