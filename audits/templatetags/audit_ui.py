"""Small pieces the templates share: money, dates, status badges and role checks read from
permissions.py. Every page shows money with `peso` and dates with `date_time`, so a
format changes here (and in backend/formats/) and nowhere else."""

import datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html

from audits import permissions as can
from audits.choices import TeamRole

register = template.Library()


@register.simple_tag
def status_badge(obj):
    """`{% status_badge finding %}`: the object's status as a coloured label."""
    return format_html(
        '<span class="badge status-{}">{}</span>', obj.status, obj.get_status_display()
    )


@register.filter
def creates_engagements(user) -> bool:
    return user.is_authenticated and user.has_role(*can.ENGAGEMENT_CREATORS)


@register.filter
def team_role_label(value) -> str:
    return TeamRole(value).label if value in TeamRole.values else ""


PESO = "PHP"
CENTS = Decimal("0.01")


@register.filter
def peso(amount, currency=PESO) -> str:
    """`{{ amount|peso }}` → "₱2,150,000.00", grouped as the active language groups.
    `{{ amount|peso:engagement.sai.currency }}` writes another currency's code instead
    of the peso sign ("USD 1,000.00"). Empty for no amount."""
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


def _as_local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.simple_tag
def date_time(value, show="auto"):
    """`{% date_time value %}` → `<time datetime="2026-12-11">11 December 2026</time>`.

    A date shows as a date; a date and time in Manila time ("11 December 2026, 14:05")
    unless `show` is "date". The `datetime` attribute carries the ISO form for machines
    and screen readers. Nothing for no value."""
    if not value:
        return ""
    value = _as_local(value)
    with_time = isinstance(value, datetime.datetime) and show != "date"
    text = formats.date_format(value, "DATETIME_FORMAT" if with_time else "DATE_FORMAT")
    machine = value.isoformat() if with_time else value.strftime("%Y-%m-%d")
    return format_html('<time datetime="{}">{}</time>', machine, text)


@register.filter
def date_text(value) -> str:
    """`{{ value|date_text }}`: the date alone as text, where markup cannot go (a title,
    an attribute). Pages use `{% date_time %}`."""
    if not value:
        return ""
    return formats.date_format(_as_local(value), "DATE_FORMAT")
