from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audits.choices import Role
from audits.models import Organization, User
from audits.services.common import assign_fields, save_tracked

ORGANIZATION_FIELDS = {
    "name",
    "kind",
    "parent",
    "accreditation_number",
    "accredited_until",
    "currency",
    "reply_period_days",
}
USER_FIELDS = {"username", "full_name", "email", "role", "organization", "is_active"}


def check_organization(organization: Organization, changed: list[str]) -> None:
    """What the model alone cannot know: its neighbours must still fit its kind."""
    errors = {}
    if organization.parent_id and organization.parent.kind != organization.kind:
        errors["parent"] = [_("An organisation sits under one of the same kind.")]
    if "kind" in changed and organization.pk:
        in_use = (
            organization.users.exists()
            or organization.children.exists()
            or organization.engagements_run.exists()
            or organization.engagements_audited.exists()
        )
        if in_use:
            errors["kind"] = [
                _("The kind cannot change once the organisation has users, units or engagements.")
            ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def organization_create(*, by, **fields) -> Organization:
    organization = Organization()
    changed = assign_fields(organization, fields, ORGANIZATION_FIELDS)
    check_organization(organization, changed)
    return save_tracked(organization, by=by, reason="created")


@transaction.atomic
def organization_update(organization: Organization, *, by, **fields) -> Organization:
    changed = assign_fields(organization, fields, ORGANIZATION_FIELDS)
    check_organization(organization, changed)
    return save_tracked(organization, by=by, reason="changed " + ", ".join(changed))


def staff_flag_for(user: User) -> bool:
    """SAI administrators (and superusers) reach the Django admin; nobody else does."""
    return user.is_superuser or user.role == Role.SAI_ADMIN


def _set_password(user: User, password: str) -> None:
    """Django's validators, with the user's own attributes (username, name, email) known,
    so a password like the username is refused here as in the admin."""
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    user.set_password(password)


@transaction.atomic
def user_create(*, by, password: str | None = None, **fields) -> User:
    user = User()
    assign_fields(user, fields, USER_FIELDS)
    if password:
        _set_password(user, password)
    else:
        user.set_unusable_password()
    user.is_staff = staff_flag_for(user)
    user.full_clean()
    user.save()
    return user


def _check_own_account(user: User, *, by, fields: dict) -> None:
    """The administrator cannot lock themselves out: no deactivating or demoting oneself
    (another administrator does it)."""
    if user.pk != by.pk:
        return
    errors = {}
    if "is_active" in fields and not fields["is_active"]:
        errors["is_active"] = [_("You cannot deactivate your own account.")]
    if "role" in fields and fields["role"] != user.role:
        errors["role"] = [_("You cannot change your own role.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def user_update(user: User, *, by, password: str | None = None, **fields) -> User:
    _check_own_account(user, by=by, fields=fields)
    assign_fields(user, fields, USER_FIELDS)
    if password:
        _set_password(user, password)
    user.is_staff = staff_flag_for(user)
    user.full_clean()
    user.save()
    return user


def language_codes() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


def user_language_set(user: User, *, language: str) -> User:
    """Save the language the user chose for the pages ("" follows the browser again)."""
    if language and language not in language_codes():
        raise ValidationError({"language": [_("This language is not offered.")]})
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user
