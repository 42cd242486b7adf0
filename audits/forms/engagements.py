"""Forms of the engagement pages. They parse input; the services decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from audits.choices import EngagementStatus, OrganizationKind, TeamRole
from audits.models import Engagement, Organization

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class EngagementForm(forms.ModelForm):
    auditee = forms.ModelChoiceField(
        queryset=Organization.objects.filter(kind=OrganizationKind.AGENCY), label=_("auditee")
    )

    class Meta:
        model = Engagement
        fields = [
            "reference",
            "title",
            "subject",
            "auditee",
            "period_start",
            "period_end",
            "amount_audited",
            "location",
            "objectives",
            "criteria",
            "scope_and_methodology",
        ]
        widgets = {
            "period_start": DATE_INPUT,
            "period_end": DATE_INPUT,
            "subject": forms.Textarea(attrs={"rows": 2}),
            "objectives": forms.Textarea(attrs={"rows": 3}),
            "criteria": forms.Textarea(attrs={"rows": 3}),
            "scope_and_methodology": forms.Textarea(attrs={"rows": 3}),
        }


class EngagementEditForm(EngagementForm):
    """The engagement's details, changed by its team leader or a supervisor. The auditee
    is fixed once the engagement has left planning (the service refuses a change too)."""

    change_reason = forms.CharField(
        label=_("reason for the change"),
        required=False,
        max_length=100,
        help_text=_("Kept in the engagement's history; optional."),
    )

    # The version the user opened: a save over someone else's newer change is refused.
    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta(EngagementForm.Meta):
        fields = [*EngagementForm.Meta.fields, "follow_up_of"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loaded_version"].initial = self.instance.updated_at.isoformat()
        follow_up_of = self.fields["follow_up_of"]
        follow_up_of.queryset = (
            Engagement.objects.visible_to(user)
            .exclude(pk=self.instance.pk)
            .order_by("-created_at", "-pk")
        )
        follow_up_of.label_from_instance = lambda engagement: (
            f"{engagement.reference} · {engagement.title}"
        )
        follow_up_of.help_text = _(
            "The earlier engagement whose recommendations this one follows up, if any."
        )
        if self.instance.status != EngagementStatus.PLANNING:
            fixed = _("Fixed once the engagement has left planning: open a new engagement instead.")
            for name in ("auditee", "follow_up_of"):
                self.fields[name].disabled = True
                self.fields[name].help_text = fixed

    def clean(self):
        cleaned = super().clean()
        loaded = self.data.get("loaded_version") or ""
        if loaded and loaded != self.instance.updated_at.isoformat():
            raise forms.ValidationError(
                _(
                    "Someone else changed this engagement after you opened this page. "
                    "Your changes are below but were not saved: open the engagement again "
                    "to see theirs, then make yours."
                ),
                code="stale",
            )
        return cleaned

    def service_fields(self) -> dict:
        """Only what changed, so the history names the fields that did."""
        return {
            name: self.cleaned_data[name]
            for name in self.changed_data
            if name in self.Meta.fields and name in self.cleaned_data
        }


class EngagementTransitionForm(forms.Form):
    to = forms.CharField(max_length=30)
    reason = forms.CharField(required=False, max_length=2000)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{user} ({user.get_role_display()}, {user.organization or '—'})"


class MemberAddForm(forms.Form):
    user = PersonChoiceField(queryset=None, label=_("person"))
    role = forms.ChoiceField(choices=TeamRole.choices, label=_("team role"))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates


class MemberRemoveForm(forms.Form):
    reason = forms.CharField(required=False, max_length=2000)
