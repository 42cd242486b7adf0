"""Forms of the programme pages. They parse input; the services decide what is allowed.
Field lists come from `programme.permissions`, as the serializer's do."""

from django import forms
from django.utils.translation import gettext_lazy as _

from audits.models import User
from programme import permissions as may
from programme.models import Procedure, ProgrammeTemplate, ReviewNote

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class ProcedurePlanForm(forms.ModelForm):
    """The plan of one procedure; assignees are chosen among the engagement's team."""

    class Meta:
        model = Procedure
        fields = list(may.PLAN_FIELDS)
        widgets = {
            "objective": forms.Textarea(attrs={"rows": 3}),
            "criteria": forms.Textarea(attrs={"rows": 2}),
            "due_date": DATE_INPUT,
            "assignees": forms.CheckboxSelectMultiple,
            "estimated_hours": forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
        }

    def __init__(self, *args, engagement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignees"].queryset = User.objects.filter(
            memberships__engagement=engagement
        ).order_by("full_name", "username")

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in may.PLAN_FIELDS}


class ObservationsForm(forms.ModelForm):
    class Meta:
        model = Procedure
        fields = ["observations"]
        widgets = {"observations": forms.Textarea(attrs={"rows": 6})}
        labels = {"observations": _("What did you observe?")}


class ReviewNoteForm(forms.ModelForm):
    class Meta:
        model = ReviewNote
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}
        labels = {"body": _("Review note")}


class AnswerForm(forms.Form):
    response = forms.CharField(
        label=_("Your answer"), max_length=20000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ApplyTemplateForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("Start from a template"), queryset=ProgrammeTemplate.objects.none()
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = ProgrammeTemplate.objects.visible_to(user).filter(
            is_active=True
        )


class CiteProceduresForm(forms.Form):
    procedures = forms.ModelMultipleChoiceField(
        label=_("Working papers this finding rests on"),
        queryset=Procedure.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user, finding, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["procedures"]
        field.queryset = Procedure.objects.visible_to(user).filter(engagement=finding.engagement)
        field.label_from_instance = lambda procedure: str(procedure)
