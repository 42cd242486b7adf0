"""Forms of the finding pages: the editor, recommendations, replies and workflow moves."""

from django import forms
from django.utils.translation import gettext_lazy as _

from audits.choices import AGENCY_RESPONSE_KINDS, FindingStatus, ResponseKind
from audits.forms.once import OnceForm
from audits.models import Evidence, Finding, Recommendation
from audits.services.findings import REASON_MAX_LENGTH as CHANGE_REASON_MAX_LENGTH

FINDING_TEXT_FIELDS = ["condition", "criteria", "cause", "effect"]
FINDING_FIELDS = ["reference", "title", *FINDING_TEXT_FIELDS, "severity", "amount"]


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """Ids that are not plain numbers a 64-bit key can hold are refused before any query:
    SQLite raises OverflowError on a huge one inside `pk__in`."""

    MAX_DIGITS = 18

    def _check_values(self, value):
        for pk in value:
            text = str(pk)
            if not (text.isascii() and text.isdigit()) or len(text) > self.MAX_DIGITS:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


def _model_field(model, name, **overrides):
    """The model field's form field, with the model's own validators (bounds on amounts)."""
    model_field = model._meta.get_field(name)
    field = model_field.formfield(**overrides)
    field.validators.extend(v for v in model_field.validators if v not in field.validators)
    return field


class FindingForm(forms.Form):
    """Structured fields, the evidence picker and, once issued, a required change reason."""

    def __init__(self, *args, user, engagement, finding=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.finding = finding
        for name in FINDING_FIELDS:
            self.fields[name] = _model_field(Finding, name)
        for name in FINDING_TEXT_FIELDS:
            self.fields[name].widget = forms.Textarea(attrs={"rows": 4})
        # The service assigns a reference when none is given.
        self.fields["reference"].required = False
        self.evidence_choices = (
            Evidence.objects.visible_to(user).filter(engagement=engagement).order_by("pk")
        )
        self.fields["evidence"] = IdsChoiceField(
            label=_("Evidence"),
            queryset=self.evidence_choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.needs_change_reason = finding is not None and finding.status in (
            FindingStatus.ISSUED,
            FindingStatus.CLOSED,
        )
        if self.needs_change_reason:
            self.fields["change_reason"] = forms.CharField(
                label=_("Reason for the change"),
                max_length=CHANGE_REASON_MAX_LENGTH,
                help_text=_("This finding has been issued; every change needs a reason."),
            )
        if finding is not None and not self.is_bound:
            for name in FINDING_FIELDS:
                self.initial[name] = getattr(finding, name)
            self.initial["evidence"] = [item.pk for item in finding.evidence.all()]

    def selected_evidence_ids(self) -> set[int]:
        value = self["evidence"].value() or []
        return {int(pk) for pk in value if str(pk).isascii() and str(pk).isdigit()}

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in FINDING_FIELDS}
        if not data["reference"]:
            data.pop("reference")
        data["evidence"] = list(self.cleaned_data["evidence"])
        return data


class TransitionForm(forms.Form):
    to = forms.CharField(max_length=30)
    reason = forms.CharField(required=False, max_length=CHANGE_REASON_MAX_LENGTH)

    def error_text(self) -> str:
        return " ".join(message for errors in self.errors.values() for message in errors)


class RecommendationForm(forms.Form):
    text = _model_field(Recommendation, "text", widget=forms.Textarea(attrs={"rows": 3}))
    target_date = _model_field(
        Recommendation, "target_date", widget=forms.DateInput(attrs={"type": "date"})
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class ResponseForm(forms.Form):
    """A reply of the agency or an auditor's rejoinder; the kinds offered depend on who asks."""

    kind = forms.ChoiceField(label=_("Kind"))
    recommendation = forms.ModelChoiceField(
        label=_("Recommendation"), queryset=Recommendation.objects.none(), required=False
    )
    body = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 6}))
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args, finding, for_agency: bool, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = AGENCY_RESPONSE_KINDS if for_agency else {ResponseKind.AUDITOR_REJOINDER}
        self.fields["kind"].choices = [
            (value, label) for value, label in ResponseKind.choices if value in kinds
        ]
        self.for_agency = for_agency
        if not for_agency:
            self.fields["kind"] = forms.CharField(required=False, widget=forms.HiddenInput())
            self.initial["kind"] = ResponseKind.AUDITOR_REJOINDER
            self.fields["body"].label = _("Rejoinder")
        self.fields["recommendation"].queryset = finding.recommendations.all()

    def clean_kind(self):
        # The team writes only rejoinders, whatever a tampered form says.
        return self.cleaned_data["kind"] if self.for_agency else ResponseKind.AUDITOR_REJOINDER


class ReiterateForm(OnceForm):
    """Which follow-up engagement a recommendation is carried into."""

    engagement = forms.ModelChoiceField(
        queryset=None,
        label=_("carry it into"),
        help_text=_("A follow-up of this engagement, or another open one of the same auditee."),
    )

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["engagement"].queryset = targets
        self.fields["engagement"].label_from_instance = lambda engagement: (
            f"{engagement.reference} · {engagement.title} ({engagement.get_status_display()})"
        )
