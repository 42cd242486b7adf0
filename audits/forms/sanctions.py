from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from audits.choices import SanctionKind, SettlementBasis
from audits.forms.findings import TransitionForm
from audits.models import Sanction, SanctionPayment
from audits.services import sanctions as sanction_services
from audits.validators import PLAUSIBLE_DATE


class PaymentForm(forms.Form):
    paid_on = SanctionPayment._meta.get_field("paid_on").formfield(
        widget=forms.DateInput(attrs={"type": "date"}), validators=PLAUSIBLE_DATE
    )
    amount = SanctionPayment._meta.get_field("amount").formfield(
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"})
    )
    receipt_reference = SanctionPayment._meta.get_field("receipt_reference").formfield(
        label=_("Official receipt number")
    )
    confirm_shared_receipt = forms.BooleanField(
        label=_("This receipt also pays another notice of the same agency"),
        required=False,
        help_text=_("Tick only when one official receipt really settles several notices."),
    )


class SettlementForm(TransitionForm):
    """The move to `settled` by hand: its basis, the reason, a decision's reference."""

    settlement_basis = forms.ChoiceField(
        label=_("Basis"), choices=SettlementBasis.choices, required=False
    )
    decision_reference = forms.CharField(
        label=_("Reference of the decision"), required=False, max_length=100
    )


class LiabilitiesField(forms.CharField):
    """Persons liable, one per line: `Name`, `Name | position` or `Name | position | share%`.
    Shares are given for everyone or for no one; without them the amount is split equally
    by the service's own rule. Cleans to the `liabilities` list `sanction_create` takes."""

    MAX_PERSONS = 100
    widget = forms.Textarea(attrs={"rows": 4})

    def to_python(self, value):
        lines = [line.strip() for line in super().to_python(value).splitlines()]
        rows = [[part.strip() for part in line.split("|")] for line in lines if line]
        if len(rows) > self.MAX_PERSONS:
            raise forms.ValidationError(
                _("Name at most %(count)d persons liable.") % {"count": self.MAX_PERSONS}
            )
        if any(len(row) > 3 or not row[0] for row in rows):
            raise forms.ValidationError(
                _("Write each person as: Name | position | share%, one per line.")
            )
        with_share = [len(row) == 3 and row[2] != "" for row in rows]
        if any(with_share) and not all(with_share):
            raise forms.ValidationError(_("Give a share for every person, or for no one."))
        if not all(with_share):
            people = sanction_services.equal_shares(row[0] for row in rows)
            for person, row in zip(people, rows, strict=True):
                person["position"] = row[1] if len(row) > 1 else ""
            return people
        return [
            {"name": name, "position": position, "share_percent": _share(share)}
            for name, position, share in rows
        ]


def _share(text: str) -> Decimal:
    try:
        share = Decimal(text.removesuffix("%").strip())
    except InvalidOperation:
        share = None
    if share is None or not share.is_finite():
        raise forms.ValidationError(
            _("“%(share)s” is not a share; write a percentage such as 40%%.") % {"share": text}
        )
    return share


class SanctionForm(forms.Form):
    """A notice issued on a finding; `sanction_create` checks the rest."""

    kind = forms.ChoiceField(label=_("Kind of notice"), choices=SanctionKind.choices)
    reference = Sanction._meta.get_field("reference").formfield()
    amount = Sanction._meta.get_field("amount").formfield(
        min_value=Decimal("0.01"),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"}),
    )
    received_on = forms.DateField(
        validators=PLAUSIBLE_DATE,
        label=_("Date received"),
        required=False,
        help_text=_("Leave empty when the agency received it today."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    liabilities = LiabilitiesField(
        label=_("Persons liable"),
        help_text=_(
            "One per line; optionally “Name | position | share%”. "
            "Without shares the amount is split equally."
        ),
    )
