"""Small pieces the templates share: money, dates, status badges and role checks read from
permissions.py. Every page shows money with `peso` and dates with `date_time`, so a
format changes here (and in backend/formats/) and nowhere else."""

import datetime

from django import template
from django.utils.html import format_html

from audits import display
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


@register.filter
def peso(amount, currency=display.PESO) -> str:
    """`{{ amount|peso }}` → "₱2,150,000.00" (audits/display.py); `{{ amount|peso:code }}`
    writes another currency's code instead of the peso sign. Empty for no amount."""
    return display.money(amount, currency)


@register.simple_tag
def date_time(value, show="auto"):
    """`{% date_time value %}` → `<time datetime="2026-12-11">11 December 2026</time>`.

    A date shows as a date; a date and time in Manila time ("11 December 2026, 14:05")
    unless `show` is "date". The `datetime` attribute carries the ISO form for machines
    and screen readers. Nothing for no value."""
    if not value:
        return ""
    value = display.local(value)
    if isinstance(value, datetime.datetime) and show != "date":
        machine, text = value.isoformat(), display.moment(value)
        return format_html('<time datetime="{}">{}</time>', machine, text)
    return format_html(
        '<time datetime="{}">{}</time>', value.strftime("%Y-%m-%d"), display.day(value)
    )


@register.simple_tag
def month_time(value):
    """`{% month_time "2026-03" %}` → `<time datetime="2026-03">March 2026</time>`."""
    if not value:
        return ""
    machine = value if isinstance(value, str) else value.strftime("%Y-%m")
    return format_html('<time datetime="{}">{}</time>', machine[:7], display.month(value))


@register.filter
def date_text(value) -> str:
    """`{{ value|date_text }}`: the date alone as plain text, where markup cannot go (a
    title, an attribute). Pages use `{% date_time %}`."""
    return display.day(value)
