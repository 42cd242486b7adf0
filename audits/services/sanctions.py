"""Sanctions (notices of suspension, disallowance and charge), their statutory clocks and
the settlement ledger.

Decisions worth knowing:
- Shares of the persons liable must total exactly 100%; a list of names alone is split
  equally (the last person takes the rounding remainder: 33.33 / 33.33 / 33.34).
- A suspension that matures is replaced by a disallowance for what is still unpaid on it
  (its full amount when nothing was paid), so an amount is never owed twice.
- Payments are never edited or deleted; the balance is always computed from them.
- Dates a lawyer checks first: the finding's `issued_on` ≤ the notice's `issued_on` ≤
  `received_on` ≤ today; a payment is dated between the notice's issue and today. Only a
  supervisor of the SAI corrects `received_on` after issue, with a reason (the clocks move).
- The notices in force on a finding with an amount (not matured into another, not lifted
  on appeal or by a decision) together never exceed it.
- A move to `settled` always has a basis: `payment` (the balance is nil), `compliance` (a
  suspension; a supervisor, with a reason) or `decision` (a disallowance or charge; a
  supervisor, with a reason and the decision's reference).
- One receipt is recorded once per notice; on another notice of the same agency only
  when the caller confirms the receipt is shared.
"""

import datetime
import itertools
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from audits import permissions as can
from audits.choices import FindingStatus, SanctionKind, SanctionStatus, SettlementBasis
from audits.deadlines import add_days, add_months
from audits.exceptions import Conflict, NotPermitted, TransitionNotAllowed
from audits.models import Finding, PersonLiable, Sanction, SanctionPayment
from audits.services.common import save_tracked
from audits.workflows import SANCTION_WORKFLOW, apply_transition

SUSPENSION_SETTLEMENT_DAYS = 90
APPEAL_MONTHS = 6
HUNDRED = Decimal("100.00")
CENT = Decimal("0.01")
# No payment is taken on these: the amount is no longer owed (or is owed on the
# disallowance that replaced the suspension).
CLOSED_STATUSES = {SanctionStatus.SETTLED, SanctionStatus.APPEAL_GRANTED, SanctionStatus.MATURED}
CORRECTABLE_FIELDS = {"reference", "received_on"}
# Notices no longer in force: their amount does not count against the finding's.
LIFTED_STATUSES = {SanctionStatus.MATURED, SanctionStatus.APPEAL_GRANTED}
# Which basis settles which kind of notice by hand (payment settles any, when paid).
MANUAL_SETTLEMENT_BASIS = {
    SanctionKind.SUSPENSION: SettlementBasis.COMPLIANCE,
    SanctionKind.DISALLOWANCE: SettlementBasis.DECISION,
    SanctionKind.CHARGE: SettlementBasis.DECISION,
}


def sanction_deadlines(kind: str, received_on: datetime.date) -> dict:
    """`settle_by` for a suspension (90 days), `appeal_by` for a disallowance or charge
    (6 months), both counted from receipt. A date so late that the deadline falls past
    the calendar's last year is bad input, not a crash."""
    try:
        if kind == SanctionKind.SUSPENSION:
            settle_by = add_days(received_on, SUSPENSION_SETTLEMENT_DAYS)
            return {"settle_by": settle_by, "appeal_by": None}
        return {"settle_by": None, "appeal_by": add_months(received_on, APPEAL_MONTHS)}
    except (OverflowError, ValueError) as error:
        raise ValidationError({"received_on": [_("This date is out of range.")]}) from error


def equal_shares(names) -> list[dict]:
    """Persons liable given by name only: equal shares totalling exactly 100%."""
    names = [str(name).strip() for name in names]
    if not names:
        return []
    share = (HUNDRED / len(names)).quantize(CENT, rounding="ROUND_DOWN")
    shares = [share] * len(names)
    shares[-1] = HUNDRED - share * (len(names) - 1)
    return [
        {"name": name, "position": "", "share_percent": s}
        for name, s in zip(names, shares, strict=True)
    ]


def _clean_liabilities(liabilities) -> list[PersonLiable]:
    rows = []
    errors = []
    for entry in liabilities or ():
        try:
            share = Decimal(str(entry.get("share_percent", "")))
        except (ArithmeticError, ValueError):
            errors.append(_("Each share must be a number."))
            continue
        rows.append(
            PersonLiable(
                name=str(entry.get("name") or "").strip(),
                position=str(entry.get("position") or "").strip(),
                share_percent=share,
            )
        )
    if not rows and not errors:
        errors.append(_("Name at least one person liable."))
    if rows and not errors and sum(row.share_percent for row in rows) != HUNDRED:
        errors.append(_("The shares of the persons liable must total 100%."))
    for row in rows:
        try:
            row.full_clean(exclude=["sanction"])
        except ValidationError as error:
            errors.extend(f"{row.name or '?'}: {m}" for m in error.messages)
    if errors:
        raise ValidationError({"liabilities": errors})
    return rows


def _save_liabilities(sanction: Sanction, rows: list[PersonLiable], *, by, reason: str):
    for row in rows:
        row.sanction = sanction
        save_tracked(row, by=by, reason=reason)


def replacement_references(base: str):
    """The references a suspension's replacing disallowance may take, in the order tried:
    `<base>-ND`, `<base>-ND2` … (the base shortened to keep within 60 characters)."""
    for number in itertools.count(1):
        suffix = "-ND" if number == 1 else f"-ND{number}"
        yield base[: 60 - len(suffix)] + suffix


def _unique_reference(base: str) -> str:
    return next(
        candidate
        for candidate in replacement_references(base)
        if not Sanction.objects.filter(reference=candidate).exists()
    )


def _check_notice_dates(finding, *, issued_on, received_on, today) -> None:
    """The finding's `issued_on` ≤ `issued_on` ≤ today; `issued_on` ≤ `received_on` ≤ today."""
    errors = {}
    if finding.issued_on and issued_on < finding.issued_on:
        errors["issued_on"] = [
            _("A notice cannot be issued before its finding was issued (%(date)s).")
            % {"date": finding.issued_on.isoformat()}
        ]
    elif issued_on > today:
        errors["issued_on"] = [_("A notice cannot be issued in the future.")]
    if received_on < issued_on:
        errors["received_on"] = [_("A notice cannot be received before it is issued.")]
    elif received_on > today:
        errors["received_on"] = [_("A notice cannot be received in the future.")]
    if errors:
        raise ValidationError(errors)


def amount_in_force(finding, *, excluding=None) -> Decimal:
    """What the notices still in force on a finding add up to."""
    notices = Sanction.objects.filter(finding=finding).exclude(status__in=LIFTED_STATUSES)
    notices = notices.exclude(settlement_basis=SettlementBasis.DECISION)
    if excluding is not None:
        notices = notices.exclude(pk=excluding.pk)
    return notices.aggregate(total=Sum("amount"))["total"] or Decimal("0")


def _check_within_finding_amount(finding, amount) -> None:
    if finding.amount is None:
        return
    in_force = amount_in_force(finding)
    if in_force + Decimal(str(amount)) > finding.amount:
        raise ValidationError(
            {
                "amount": [
                    _(
                        "The notices in force on this finding would total more than its "
                        "amount (%(finding)s; already %(in_force)s). Correct the finding's "
                        "amount first, with its reason."
                    )
                    % {"finding": finding.amount, "in_force": in_force}
                ]
            }
        )


@transaction.atomic
def sanction_create(
    *,
    by,
    finding,
    kind: str,
    reference: str,
    amount,
    liabilities=(),
    issued_on: datetime.date | None = None,
    received_on: datetime.date | None = None,
) -> Sanction:
    if not can.is_team_auditor(by, finding):
        raise NotPermitted(_("Only the auditors of the team issue sanctions."))
    if finding.status != FindingStatus.ISSUED:
        raise Conflict(_("Sanctions are issued only on a finding that has been issued."))
    # The finding's row lock serialises two notices issued at once against its amount.
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    today = timezone.localdate()
    issued_on = issued_on or today
    received_on = received_on or issued_on
    _check_notice_dates(finding, issued_on=issued_on, received_on=received_on, today=today)
    rows = _clean_liabilities(liabilities)
    sanction = Sanction(
        finding=finding,
        engagement_id=finding.engagement_id,
        kind=kind,
        reference=reference,
        amount=amount,
        issued_on=issued_on,
        received_on=received_on,
        issued_by=by,
        **sanction_deadlines(kind, received_on),
    )
    sanction.full_clean()
    if sanction.amount <= 0:
        raise ValidationError({"amount": [_("The amount of a sanction must be more than zero.")]})
    _check_within_finding_amount(finding, sanction.amount)
    save_tracked(sanction, by=by, reason=_("Sanction issued"))
    _save_liabilities(sanction, rows, by=by, reason=_("Person liable named"))
    return sanction


@transaction.atomic
def sanction_update(sanction: Sanction, *, by, change_reason: str = "", **fields) -> Sanction:
    """Corrections only: the reference, or the date of receipt (which moves the clocks;
    a supervisor of the SAI only, and the history keeps the old and the new date)."""
    if not can.is_team_auditor_or_supervisor(by, sanction):
        raise NotPermitted(_("Only the team's auditors or a supervisor correct a sanction."))
    sanction = Sanction.objects.select_for_update().get(pk=sanction.pk)
    changed = [
        name
        for name, value in fields.items()
        if name in CORRECTABLE_FIELDS and getattr(sanction, name) != value
    ]
    if not changed:
        return sanction
    if not change_reason.strip():
        raise ValidationError({"change_reason": [_("Say why the sanction is corrected.")]})
    if "received_on" in changed:
        if not can.is_supervisor(by, sanction):
            raise NotPermitted(
                _("Only a supervisor of the audit institution corrects the date of receipt.")
            )
        if sanction.status != SanctionStatus.ISSUED:
            raise Conflict(_("The date of receipt can be corrected only while the clock runs."))
        _check_notice_dates(
            sanction.finding,
            issued_on=sanction.issued_on,
            received_on=fields["received_on"],
            today=timezone.localdate(),
        )
    for name in changed:
        setattr(sanction, name, fields[name])
    for name, value in sanction_deadlines(sanction.kind, sanction.received_on).items():
        setattr(sanction, name, value)
    return save_tracked(sanction, by=by, reason=change_reason.strip())


def _amount_paid(sanction: Sanction) -> Decimal:
    total = sanction.payments.aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0")


def replacing_disallowance(suspension: Sanction, *, reference: str, unpaid, today, by=None):
    """The disallowance a matured suspension becomes (not saved): for what is still unpaid
    on it, issued and received `today`, with its appeal clock and its history reason."""
    disallowance = Sanction(
        finding_id=suspension.finding_id,
        engagement_id=suspension.engagement_id,
        kind=SanctionKind.DISALLOWANCE,
        reference=reference,
        amount=unpaid,
        issued_on=today,
        received_on=today,
        matured_from=suspension,
        issued_by=by,
        **sanction_deadlines(SanctionKind.DISALLOWANCE, today),
    )
    disallowance._change_reason = _("Issued when suspension %(reference)s matured") % {
        "reference": suspension.reference
    }
    return disallowance


def carried_liabilities(persons, disallowance: Sanction) -> list[PersonLiable]:
    """The suspension's persons liable, copied onto its disallowance (not saved)."""
    carried = []
    for person in persons:
        copy = PersonLiable(
            sanction=disallowance,
            name=person.name,
            position=person.position,
            share_percent=person.share_percent,
        )
        copy._change_reason = _("Carried over from the suspension")
        carried.append(copy)
    return carried


def _issue_replacing_disallowance(suspension: Sanction, *, by, today) -> Sanction:
    disallowance = replacing_disallowance(
        suspension,
        reference=_unique_reference(suspension.reference),
        unpaid=suspension.amount - _amount_paid(suspension),
        today=today,
        by=by,
    )
    save_tracked(disallowance, by=by, reason=disallowance._change_reason)
    for person in carried_liabilities(suspension.liabilities.all(), disallowance):
        save_tracked(person, by=by, reason=person._change_reason)
    return disallowance


def _settlement_recorder(basis: str, decision_reference: str):
    """`before_save` for a move to `settled`: checks the basis on the locked row and
    records it with the reason (and the decision's reference)."""
    basis = (basis or "").strip()
    decision_reference = (decision_reference or "").strip()

    def record(sanction: Sanction, source, user, reason: str) -> None:
        balance = sanction.amount - _amount_paid(sanction)
        chosen = basis or (SettlementBasis.PAYMENT if balance <= 0 else "")
        if chosen not in SettlementBasis.values:
            manual = MANUAL_SETTLEMENT_BASIS[sanction.kind]
            raise ValidationError(
                {
                    "settlement_basis": [
                        _("A balance of %(balance)s remains: settle on the basis “%(basis)s”.")
                        % {"balance": balance, "basis": manual}
                    ]
                }
            )
        if chosen == SettlementBasis.PAYMENT:
            if balance > 0:
                raise TransitionNotAllowed(
                    _(
                        "A balance of %(balance)s remains: a notice is settled by payment "
                        "only when it is paid in full."
                    )
                    % {"balance": balance}
                )
        else:
            _check_manual_settlement(sanction, chosen, user, reason, decision_reference)
        sanction.settlement_basis = chosen
        sanction.settlement_reason = reason
        sanction.settlement_decision_reference = (
            decision_reference if chosen == SettlementBasis.DECISION else ""
        )

    return record


def _check_manual_settlement(sanction, basis, user, reason, decision_reference) -> None:
    if MANUAL_SETTLEMENT_BASIS[sanction.kind] != basis:
        message = (
            _("Only a notice of suspension is settled by compliance.")
            if basis == SettlementBasis.COMPLIANCE
            else _("Only a disallowance or a charge is settled by a decision.")
        )
        raise ValidationError({"settlement_basis": [message]})
    if user is not None and not can.is_supervisor(user, sanction):
        raise NotPermitted(
            _("Only a supervisor of the audit institution settles a notice on this basis.")
        )
    errors = {}
    if not reason:
        errors["reason"] = [_("Say why the notice is settled.")]
    if basis == SettlementBasis.DECISION and not decision_reference:
        errors["decision_reference"] = [_("Give the reference of the decision.")]
    if errors:
        raise ValidationError(errors)


def sanction_transition(
    sanction: Sanction,
    *,
    by,
    to: str,
    reason: str = "",
    today=None,
    settlement_basis: str = "",
    decision_reference: str = "",
) -> Sanction:
    """Any move of SANCTION_WORKFLOW. `by=None` is the scheduler. A suspension that matures
    brings its replacing disallowance with it, in the same transaction. A move to
    `settled` records its `settlement_basis` (see the module's notes)."""
    today = today or timezone.localdate()
    before_save = (
        _settlement_recorder(settlement_basis, decision_reference)
        if to == SanctionStatus.SETTLED
        else None
    )
    with transaction.atomic():
        updated = apply_transition(
            sanction,
            workflow=SANCTION_WORKFLOW,
            to=to,
            user=by,
            reason=reason,
            today=today,
            before_save=before_save,
        )
        if to == SanctionStatus.MATURED:
            _issue_replacing_disallowance(updated, by=by, today=today)
    return updated


def _check_receipt(sanction: Sanction, receipt_reference: str, *, confirm_shared: bool) -> None:
    receipts = SanctionPayment.objects.filter(receipt_reference__iexact=receipt_reference)
    if receipts.filter(sanction=sanction).exists():
        raise ValidationError(
            {"receipt_reference": [_("This receipt is already recorded on this notice.")]}
        )
    shared = receipts.filter(sanction__engagement__auditee_id=sanction.engagement.auditee_id)
    other = shared.select_related("sanction").first()
    if other is not None and not confirm_shared:
        raise ValidationError(
            {
                "receipt_reference": [
                    _(
                        "This receipt is already recorded on notice %(reference)s of the same "
                        "agency. If one receipt really pays both, confirm it is shared "
                        "(confirm_shared_receipt)."
                    )
                    % {"reference": other.sanction.reference}
                ]
            }
        )


@transaction.atomic
def payment_record(
    sanction: Sanction,
    *,
    by,
    paid_on: datetime.date,
    amount,
    receipt_reference: str,
    confirm_shared_receipt: bool = False,
) -> SanctionPayment:
    if not can.is_team_auditor_or_supervisor(by, sanction):
        raise NotPermitted(_("Only the team's auditors or a supervisor record payments."))
    locked = Sanction.objects.select_for_update().get(pk=sanction.pk)
    if locked.status in CLOSED_STATUSES:
        raise Conflict(
            _("No payment can be recorded on a sanction that is %(status)s.")
            % {"status": locked.get_status_display()}
        )
    amount = Decimal(str(amount))
    if amount <= 0:
        raise ValidationError({"amount": [_("A payment must be more than zero.")]})
    balance = locked.amount - _amount_paid(locked)
    if amount > balance:
        raise ValidationError(
            {
                "amount": [
                    _("The payment exceeds the balance of %(balance)s.") % {"balance": balance}
                ]
            }
        )
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": [_("A payment cannot be dated in the future.")]})
    if paid_on < locked.issued_on:
        raise ValidationError(
            {
                "paid_on": [
                    _("A payment cannot be dated before the notice was issued (%(date)s).")
                    % {"date": locked.issued_on.isoformat()}
                ]
            }
        )
    receipt_reference = (receipt_reference or "").strip()
    _check_receipt(locked, receipt_reference, confirm_shared=confirm_shared_receipt)
    payment = SanctionPayment(
        sanction=locked,
        engagement_id=locked.engagement_id,
        paid_on=paid_on,
        amount=amount,
        receipt_reference=receipt_reference,
        recorded_by=by,
    )
    save_tracked(payment, by=by, reason=_("Payment recorded"))
    if amount == balance and (locked.status, SanctionStatus.SETTLED) in SANCTION_WORKFLOW:
        sanction_transition(
            locked,
            by=by,
            to=SanctionStatus.SETTLED,
            reason=_("Fully paid"),
            settlement_basis=SettlementBasis.PAYMENT,
        )
    return payment
