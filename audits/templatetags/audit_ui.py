"""Small pieces the templates share: status badges and role checks read from permissions.py."""

from django import template
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
