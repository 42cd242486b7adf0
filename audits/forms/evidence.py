from django import forms
from django.utils.translation import gettext_lazy as _

from audits.choices import EvidenceKind
from audits.validators import PLAUSIBLE_DATE


class EvidenceForm(forms.Form):
    """The phone filing form. The same fields go to `POST /api/v1/evidence/` when the
    page's script sends them (with progress and an offline queue)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=EvidenceKind.choices)
    file = forms.FileField(
        label=_("Photo or file"),
        allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    description = forms.CharField(
        label=_("What does it show?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    latitude = forms.DecimalField(
        label=_("Latitude"), required=False, min_value=-90, max_value=90, decimal_places=15,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )  # fmt: skip
    longitude = forms.DecimalField(
        label=_("Longitude"), required=False, min_value=-180, max_value=180, decimal_places=15,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )  # fmt: skip
    captured_at = forms.DateTimeField(
        label=_("Taken at"),
        required=False,
        validators=PLAUSIBLE_DATE,
        help_text=_("Leave empty to use the time stored in the photo."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    supersedes = forms.IntegerField(required=False, widget=forms.HiddenInput)
    client_reference = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    # The audit programme's task the item is filed against (optional).
    procedure = forms.IntegerField(required=False, widget=forms.HiddenInput)
