"""The daily run's moves of sanctions whose clock ran out, in a fixed number of queries
whatever their number: the rows are locked together, each is checked against the
workflow as `sanction_transition` checks it, and all are saved with their history in
bulk. A row the workflow refuses stays where it is and is reported."""

import datetime
import itertools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from audits.choices import SanctionKind, SanctionStatus
from audits.models import PersonLiable, Sanction, SanctionPayment
from audits.services.common import save_tracked_in_bulk
from audits.services.sanctions import (
    _unique_reference,
    carried_liabilities,
    replacement_references,
    replacing_disallowance,
)
from audits.workflows import SANCTION_WORKFLOW

# "-ND", "-ND2" … tried in one read; past them (never seen) one read per candidate.
REFERENCE_TRIES = 9


@dataclass
class Moved:
    sanctions: list = field(default_factory=list)
    # suspension pk → the disallowance that replaced it
    replacements: dict = field(default_factory=dict)
    refusals: list[str] = field(default_factory=list)


@transaction.atomic
def sanctions_mature_unsettled(*, today: datetime.date) -> Moved:
    """Suspensions not settled by `settle_by` mature, each replaced by a disallowance for
    what is still unpaid, with its persons liable carried over. A suspension whose
    disallowance would not be valid stays issued and is reported."""
    due = Sanction.objects.filter(
        kind=SanctionKind.SUSPENSION, status=SanctionStatus.ISSUED, settle_by__lt=today
    )
    moved = _allowed_moves(
        due,
        to=SanctionStatus.MATURED,
        today=today,
        reason=lambda s: _("Not settled by %(date)s") % {"date": s.settle_by.isoformat()},
    )
    replacements = _replacing_disallowances(moved, today=today)
    moved.sanctions = [s for s in moved.sanctions if s.pk in replacements]
    save_tracked_in_bulk(moved.sanctions, fields=["status", "updated_at"])
    if replacements:
        bulk_create_with_history(list(replacements.values()), Sanction, batch_size=500)
        _carry_over_liabilities(replacements)
    moved.replacements = replacements
    return moved


@transaction.atomic
def sanctions_finalise_unappealed(*, today: datetime.date) -> Moved:
    """Disallowances and charges not appealed by `appeal_by` become final."""
    due = Sanction.objects.filter(
        kind__in=[SanctionKind.DISALLOWANCE, SanctionKind.CHARGE],
        status=SanctionStatus.ISSUED,
        appeal_by__lt=today,
    )
    moved = _allowed_moves(
        due,
        to=SanctionStatus.FINAL,
        today=today,
        reason=lambda s: _("No appeal by %(date)s") % {"date": s.appeal_by.isoformat()},
    )
    save_tracked_in_bulk(moved.sanctions, fields=["status", "updated_at"])
    return moved


def _allowed_moves(due, *, to: str, today: datetime.date, reason: Callable) -> Moved:
    """Lock the due rows and set the move on those the workflow allows (not saved)."""
    moved, now = Moved(), timezone.now()
    for sanction in due.select_for_update().order_by("pk"):
        move = SANCTION_WORKFLOW.get((sanction.status, to))
        refusal = move.condition(sanction, today) if move and move.condition else None
        if move is None or refusal:
            moved.refusals.append(f"{sanction.reference}: {refusal or to}")
            continue
        source = sanction.status
        sanction.status, sanction.updated_at = to, now
        sanction._change_reason = reason(sanction) or f"{source} → {to}"
        moved.sanctions.append(sanction)
    return moved


def _replacing_disallowances(moved: Moved, *, today: datetime.date) -> dict:
    """suspension pk → its disallowance (not saved), for the suspensions whose
    disallowance is valid; the others are added to the refusals."""
    suspensions = moved.sanctions
    if not suspensions:
        return {}
    paid = dict(
        SanctionPayment.objects.filter(sanction_id__in=[s.pk for s in suspensions])
        .values("sanction_id")
        .annotate(total=Sum("amount"))
        .values_list("sanction_id", "total")
    )
    references = _free_references([s.reference for s in suspensions])
    replacements = {}
    for suspension, reference in zip(suspensions, references, strict=True):
        unpaid = suspension.amount - paid.get(suspension.pk, Decimal("0"))
        disallowance = replacing_disallowance(
            suspension, reference=reference, unpaid=unpaid, today=today
        )
        try:  # uniqueness was settled above in one read; the related rows exist
            disallowance.full_clean(
                exclude=["finding", "engagement", "matured_from", "issued_by"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            moved.refusals.append(f"{suspension.reference}: {error}")
            continue
        replacements[suspension.pk] = disallowance
    return replacements


def _free_references(bases: list[str]) -> list[str]:
    """A free replacement reference for each base, in one read."""
    candidates = {
        base: list(itertools.islice(replacement_references(base), REFERENCE_TRIES))
        for base in bases
    }
    every = [c for options in candidates.values() for c in options]
    taken = set(Sanction.objects.filter(reference__in=every).values_list("reference", flat=True))
    chosen = []
    for base in bases:
        free = next((c for c in candidates[base] if c not in taken), None)
        free = free or _unique_reference(base)
        taken.add(free)
        chosen.append(free)
    return chosen


def _carry_over_liabilities(replacements: dict) -> None:
    persons = defaultdict(list)
    for person in PersonLiable.objects.filter(sanction_id__in=list(replacements)).order_by("pk"):
        persons[person.sanction_id].append(person)
    carried = [
        copy
        for suspension_id, disallowance in replacements.items()
        for copy in carried_liabilities(persons[suspension_id], disallowance)
    ]
    if carried:
        bulk_create_with_history(carried, PersonLiable, batch_size=500)
