"""How money and dates read on every page and in every message: "₱2,150,000.00" and
"11 December 2026" (in the active language; formats in backend/formats/). The template
filters in audits/templatetags/audit_ui.py and the messages of audits/views/outcomes.py
both call these, so a format changes here and nowhere else."""

import datetime
from decimal import Decimal, InvalidOperation

from django.utils import formats, timezone

PESO = "PHP"
CENTS = Decimal("0.01")


def money(amount, currency=PESO) -> str:
    """₱2,150,000.00, grouped as the active language groups; another currency's code
    instead of the peso sign ("USD 1,000.00"). Empty for no amount."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount)).quantize(CENTS)
    except (InvalidOperation, ValueError):
        return ""
    number = formats.number_format(abs(value), 2, use_l10n=True, force_grouping=True)
    sign = "-" if value < 0 else ""
    if not currency or currency == PESO:
        return f"{sign}₱{number}"
    return f"{sign}{currency} {number}"


def local(value):
    """A date and time in Manila time (TIME_ZONE); a date as it is."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def day(value) -> str:
    """The date alone: "11 December 2026"."""
    return formats.date_format(local(value), "DATE_FORMAT") if value else ""


def moment(value) -> str:
    """A date and time: "11 December 2026, 14:05"; a date alone as `day`."""
    if not isinstance(value, datetime.datetime):
        return day(value)
    return formats.date_format(local(value), "DATETIME_FORMAT")


def month(value) -> str:
    """A month: "March 2026", from a date or a "2026-03" text."""
    if isinstance(value, str):
        year, number = value.split("-")[:2]
        value = datetime.date(int(year), int(number), 1)
    return formats.date_format(value, "YEAR_MONTH_FORMAT") if value else ""
