"""The one date validator: every form, serializer, service and model date field uses it.

A year before 1900 or more than ten years ahead is a typing accident ("0001", "9999"),
never a date an audit file can run a clock on."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EARLIEST_YEAR = 1900
YEARS_AHEAD = 10


def latest_plausible_date(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def validate_plausible_date(value) -> None:
    """Refuse dates (or timestamps) before 1900 or more than ten years from today."""
    if value is None:
        return
    if isinstance(value, datetime.datetime):
        try:
            day = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        except OverflowError:  # year 1 or 9999 shifted out of the calendar
            day = value.date()
    else:
        day = value
    latest = latest_plausible_date()
    if day.year < EARLIEST_YEAR or day > latest:
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s.")
            % {"earliest": f"{EARLIEST_YEAR}-01-01", "latest": latest.isoformat()},
            code="implausible_date",
        )


PLAUSIBLE_DATE = [validate_plausible_date]
