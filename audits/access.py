"""Why a user sees less than they expect, told the same way by the API and the pages."""

from django.utils.translation import gettext as _


def access_notice(user) -> str | None:
    """A sentence explaining a blocked account, or None when nothing is blocked."""
    if user.is_authenticated and user.accreditation_lapsed:
        until = user.organization.accredited_until
        return _(
            "The accreditation of %(org)s lapsed on %(date)s: until it is renewed "
            "you cannot see or change any engagement."
        ) % {"org": user.organization.name, "date": until or "—"}
    return None
