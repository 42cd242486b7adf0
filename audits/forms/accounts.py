"""Forms of the SAI administrator's user and organisation pages. The editable fields
are the service's (`audits.services.accounts`); the service has the last word."""

from django import forms
from django.utils.translation import gettext_lazy as _

from audits.choices import Role
from audits.forms.once import OnceForm
from audits.models import Organization, User
from audits.services.accounts import ORGANIZATION_FIELDS, USER_FIELDS

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class UserForm(forms.ModelForm):
    password = forms.CharField(
        label=_("new password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Leave empty to keep the password (a new user then sets one through "
            "“Forgot your password?”)."
        ),
    )

    class Meta:
        model = User
        fields = ["username", "full_name", "email", "role", "organization", "is_active"]
        help_texts = {
            "is_active": _("An inactive user cannot log in, and their API tokens are revoked.")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].required = True
        self.fields["role"].choices = [("", "---------"), *Role.choices]
        self.fields["organization"].required = True
        self.fields["organization"].queryset = Organization.objects.order_by("kind", "name")

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in USER_FIELDS if name in self.fields}
        if self.cleaned_data.get("password"):
            data["password"] = self.cleaned_data["password"]
        return data


class UserCreateForm(OnceForm, UserForm):
    pass


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = [
            "name",
            "kind",
            "parent",
            "accreditation_number",
            "accredited_until",
            "currency",
            "reply_period_days",
        ]
        widgets = {"accredited_until": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Organization.objects.order_by("kind", "name")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ORGANIZATION_FIELDS}


class OrganizationCreateForm(OnceForm, OrganizationForm):
    pass
