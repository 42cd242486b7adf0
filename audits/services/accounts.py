from django.db import transaction

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


@transaction.atomic
def organization_create(*, by, **fields) -> Organization:
    organization = Organization()
    assign_fields(organization, fields, ORGANIZATION_FIELDS)
    return save_tracked(organization, by=by, reason="created")


@transaction.atomic
def organization_update(organization: Organization, *, by, **fields) -> Organization:
    changed = assign_fields(organization, fields, ORGANIZATION_FIELDS)
    return save_tracked(organization, by=by, reason="changed " + ", ".join(changed))


@transaction.atomic
def user_create(*, by, password: str | None = None, **fields) -> User:
    user = User()
    assign_fields(user, fields, USER_FIELDS)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def user_update(user: User, *, by, password: str | None = None, **fields) -> User:
    assign_fields(user, fields, USER_FIELDS)
    if password:
        user.set_password(password)
    user.full_clean()
    user.save()
    return user
