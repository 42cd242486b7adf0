"""Web forms. They only shape input: every rule is in grievances.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from audits.choices import OrganizationKind, Role
from audits.models import Organization, User
from grievances.choices import GrievanceStatus
from grievances.models import (
    DESCRIPTION_MAX_LENGTH,
    MAX_ATTACHMENTS,
    TEXT_MAX_LENGTH,
    GrievanceCategory,
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, list | tuple) else [data]
        cleaned = [super(MultipleFileField, self).clean(item, initial) for item in items if item]
        if len(cleaned) > MAX_ATTACHMENTS:
            raise forms.ValidationError(_("Attach at most %(n)d files.") % {"n": MAX_ATTACHMENTS})
        return cleaned


class CategoryChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if isinstance(value, str) and "\x00" in value:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


def _agencies():
    return Organization.objects.filter(kind=OrganizationKind.AGENCY).order_by("name")


class GrievanceForm(forms.Form):
    """The public filing form. `website` is a honeypot: hidden from people, filled by
    bots; a filled one is refused and nothing is stored."""

    description = forms.CharField(
        label=_("What is the problem?"),
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    category = CategoryChoiceField(
        label=_("Category"),
        queryset=GrievanceCategory.objects.filter(active=True),
        to_field_name="code",
        empty_label=_("Choose one"),
    )
    agency = forms.ModelChoiceField(
        label=_("Agency concerned (if you know it)"),
        queryset=_agencies(),
        required=False,
        empty_label=_("I do not know"),
    )
    location = forms.CharField(
        label=_("Where?"),
        max_length=300,
        required=False,
        help_text=_("Barangay, street, landmark."),
    )
    latitude = forms.FloatField(
        required=False, min_value=-90, max_value=90, widget=forms.HiddenInput
    )
    longitude = forms.FloatField(
        required=False, min_value=-180, max_value=180, widget=forms.HiddenInput
    )
    files = MultipleFileField(
        label=_("Photos or documents (up to five)"),
        required=False,
        help_text=_("Photos, PDF or office documents; 25 MB each at most."),
    )
    contact_name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    contact_email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        required=False,
        help_text=_("We write to you when there is news."),
    )
    contact_phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    anonymous = forms.BooleanField(
        label=_("Keep my name and contact hidden, even from the audit staff"),
        required=False,
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("This form was not filled in by a person."))
        return ""


class TrackForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=40)


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=GrievanceStatus.choices)
    reason = forms.CharField(max_length=TEXT_MAX_LENGTH, required=False)
    agency = forms.ModelChoiceField(queryset=_agencies(), required=False)
    engagement = forms.IntegerField(required=False)


class TextForm(forms.Form):
    text = forms.CharField(
        label=_("Text"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need to contact them?"), max_length=TEXT_MAX_LENGTH
    )


class AssignForm(forms.Form):
    assigned_to = forms.ModelChoiceField(
        label=_("Assign to"),
        queryset=User.objects.filter(
            is_active=True, role__in=[Role.SAI_ADMIN, Role.SUPERVISOR, Role.AUDITOR]
        ).order_by("full_name", "username"),
        required=False,
        empty_label=_("Nobody"),
    )


class StartEngagementForm(forms.Form):
    reference = forms.CharField(label=_("Reference"), max_length=50)
    title = forms.CharField(label=_("Title"), max_length=250)
    auditee = forms.ModelChoiceField(label=_("Auditee"), queryset=_agencies())
    period_start = forms.DateField(
        label=_("Period from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=_("Period to"), widget=forms.DateInput(attrs={"type": "date"})
    )
