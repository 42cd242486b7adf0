from django import forms
from django.utils.translation import gettext_lazy as _

from audits.models import SanctionPayment


class PaymentForm(forms.Form):
    paid_on = SanctionPayment._meta.get_field("paid_on").formfield(
        widget=forms.DateInput(attrs={"type": "date"})
    )
    amount = SanctionPayment._meta.get_field("amount").formfield(
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"})
    )
    receipt_reference = SanctionPayment._meta.get_field("receipt_reference").formfield(
        label=_("Official receipt number")
    )
