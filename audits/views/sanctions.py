"""The sanction ledger page: the notice, its deadlines, the payments with a running
balance, the payment form for team auditors and the workflow buttons."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audits import permissions as can
from audits.choices import SanctionStatus
from audits.deadlines import days_left
from audits.display import money
from audits.forms.findings import TransitionForm
from audits.forms.sanctions import PaymentForm, SettlementForm
from audits.models import Sanction
from audits.services import sanctions as services
from audits.views import outcomes
from audits.views.confirm import confirmed_transition
from audits.views.service_errors import (
    SERVICE_ERRORS,
    add_service_error,
)
from audits.workflows import SANCTION_WORKFLOW, available_moves


def _visible_sanction(request, pk) -> Sanction:
    sanctions = Sanction.objects.visible_to(request.user).select_related(
        "finding", "engagement", "engagement__auditee", "matured_from"
    )
    return get_object_or_404(sanctions, pk=pk)


def _ledger(sanction):
    """Payments in date order, each with the balance left after it."""
    balance = sanction.amount
    rows = []
    for payment in sanction.payments.select_related("recorded_by"):
        balance -= payment.amount
        rows.append({"payment": payment, "balance": balance})
    return rows, balance


def _may_record_payment(user, sanction) -> bool:
    return sanction.status not in services.CLOSED_STATUSES and can.is_team_auditor_or_supervisor(
        user, sanction
    )


def _offered_moves(user, sanction, balance):
    """The workflow's moves, less a settlement that cannot work: with a balance left only
    a supervisor of the SAI settles (on compliance or a decision), never by payment."""
    return [
        (target, move)
        for target, move in available_moves(SANCTION_WORKFLOW, sanction, user)
        if target != SanctionStatus.SETTLED or balance <= 0 or can.is_supervisor(user, sanction)
    ]


def _render_sanction(request, sanction, *, payment_form=None):
    user = request.user
    today = timezone.localdate()
    ledger, balance = _ledger(sanction)
    liabilities = [
        {"person": person, "share_amount": sanction.amount * person.share_percent / 100}
        for person in sanction.liabilities.all()
    ]
    deadlines = [
        {"label": label, "date": due, "days_left": days_left(due, today)}
        for label, due in (
            (_("Settle by"), sanction.settle_by),
            (_("Appeal by"), sanction.appeal_by),
        )
        if due
    ]
    if payment_form is None and _may_record_payment(user, sanction):
        payment_form = PaymentForm(initial={"paid_on": today})
    context = {
        "sanction": sanction,
        "ledger": ledger,
        "amount_settled": sanction.amount - balance,
        "balance": balance,
        "liabilities": liabilities,
        "deadlines": deadlines,
        "matured_into": Sanction.objects.visible_to(user).filter(matured_from=sanction).first(),
        "moves": _offered_moves(user, sanction, balance),
        "manual_basis": services.MANUAL_SETTLEMENT_BASIS[sanction.kind],
        "payment_form": payment_form,
    }
    status = 400 if payment_form is not None and payment_form.errors else 200
    return render(request, "audits/sanctions/detail.html", context, status=status)


@login_required
def sanction_detail(request, pk):
    return _render_sanction(request, _visible_sanction(request, pk))


@require_POST
@login_required
def payment_add(request, pk):
    sanction = _visible_sanction(request, pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            services.payment_record(sanction, by=request.user, **form.cleaned_data)
        except SERVICE_ERRORS as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("The payment of %(amount)s was recorded.")
                % {"amount": money(form.cleaned_data["amount"], sanction.engagement.sai.currency)},
            )
            return redirect("sanction-detail", pk=sanction.pk)
    return _render_sanction(request, sanction, payment_form=form)


@require_POST
@login_required
def sanction_transition(request, pk):
    settling = request.POST.get("to") == SanctionStatus.SETTLED
    return confirmed_transition(
        request,
        _visible_sanction(request, pk),
        services.sanction_transition,
        workflow=SANCTION_WORKFLOW,
        page="sanction-detail",
        form_class=SettlementForm if settling else TransitionForm,
        success_message=outcomes.sanction_moved,
    )
