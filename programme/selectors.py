"""Reads of the programme that pages, the API and reports share. Each costs a fixed number
of queries whatever the size of the programme.

`programme_for_report(engagement)` is for the audit report's annex: plain dicts, no ORM
objects, so the PDF renderer never touches the database."""

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from audits.models import User
from programme.choices import PREPARED_STATUSES, ProcedureStatus
from programme.models import Procedure, ReviewNote

ASSIGNEES = Prefetch("assignees", queryset=User.objects.order_by("full_name", "username"))
WORKING_STATUSES = [ProcedureStatus.OPEN, ProcedureStatus.IN_PROGRESS]


def _count(queryset, field="pk"):
    counted = queryset.order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted[:1], output_field=IntegerField()), Value(0))


def with_counts(procedures):
    """Each procedure with `evidence_count` and `open_notes` (unanswered review notes)."""
    links = Procedure.evidence.through.objects.filter(procedure=OuterRef("pk"))
    notes = ReviewNote.objects.filter(procedure=OuterRef("pk"), answered_at__isnull=True)
    return procedures.annotate(
        evidence_count=_count(links, "procedure"), open_notes=_count(notes, "procedure")
    )


def engagement_programme(user, engagement) -> list[Procedure]:
    """The programme as the caller may see it (empty for agencies and oversight)."""
    visible = Procedure.objects.visible_to(user).filter(engagement=engagement)
    return list(
        with_counts(visible)
        .select_related("prepared_by", "reviewed_by")
        .prefetch_related(ASSIGNEES)
        .order_by("number")
    )


def progress_by_person(procedures: list[Procedure]) -> list[dict]:
    """Per assignee: procedures assigned, done (prepared or reviewed), reviewed, overdue,
    and the evidence linked to their procedures."""
    people: dict[int, dict] = {}
    for procedure in procedures:
        for person in procedure.assignees.all():
            row = people.setdefault(
                person.pk,
                {"user": person, "assigned": 0, "done": 0, "reviewed": 0, "overdue": 0},
            )
            row["assigned"] += 1
            row["done"] += procedure.status in PREPARED_STATUSES
            row["reviewed"] += procedure.status == ProcedureStatus.REVIEWED
            row["overdue"] += procedure.is_overdue
            row["evidence"] = row.get("evidence", 0) + procedure.evidence_count
    return sorted(people.values(), key=lambda row: str(row["user"]))


def programme_totals(procedures: list[Procedure]) -> dict:
    statuses = [procedure.status for procedure in procedures]
    return {
        "total": len(statuses),
        "done": sum(status in PREPARED_STATUSES for status in statuses),
        "reviewed": statuses.count(ProcedureStatus.REVIEWED),
        "overdue": sum(procedure.is_overdue for procedure in procedures),
        "open_notes": sum(procedure.open_notes for procedure in procedures),
    }


def tasks_for(user):
    """The caller's field tasks: procedures assigned to them still to do (or sent back with
    a review note), soonest due first, undated last."""
    return (
        with_counts(Procedure.objects.assigned_to(user))
        .filter(
            Q(status__in=WORKING_STATUSES)
            | Q(pk__in=ReviewNote.objects.unanswered().values("procedure_id"))
        )
        .select_related("engagement")
        .order_by(F("due_date").asc(nulls_last=True), "engagement_id", "number")
    )


def procedures_citing(user, finding):
    """The working papers behind a finding, as far as the caller may see them."""
    return (
        with_counts(Procedure.objects.visible_to(user).filter(findings=finding))
        .select_related("prepared_by", "reviewed_by")
        .order_by("number")
    )


def _when(value):
    return timezone.localtime(value).isoformat() if value else None


def programme_for_report(engagement) -> list[dict]:
    """The programme as an annex of the audit report: one dict per procedure, in order."""
    procedures = (
        with_counts(Procedure.objects.filter(engagement=engagement))
        .select_related("prepared_by", "reviewed_by")
        .prefetch_related(ASSIGNEES)
        .order_by("number")
    )
    return [
        {
            "reference": procedure.reference,
            "number": procedure.number,
            "objective": procedure.objective,
            "criteria": procedure.criteria,
            "method": procedure.method,
            "method_label": str(procedure.get_method_display()),
            "location": procedure.location,
            "assignees": [str(person) for person in procedure.assignees.all()],
            "due_date": procedure.due_date.isoformat() if procedure.due_date else None,
            "status": procedure.status,
            "status_label": str(procedure.get_status_display()),
            "prepared_by": str(procedure.prepared_by) if procedure.prepared_by else None,
            "prepared_at": _when(procedure.prepared_at),
            "reviewed_by": str(procedure.reviewed_by) if procedure.reviewed_by else None,
            "reviewed_at": _when(procedure.reviewed_at),
            "evidence_count": procedure.evidence_count,
        }
        for procedure in procedures
    ]
