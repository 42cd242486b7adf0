from django import template

from reports.permissions import may_see_dashboard

register = template.Library()


@register.filter
def sees_dashboard(user) -> bool:
    """For the navigation: whether /dashboard/ answers this user (reports.permissions)."""
    return may_see_dashboard(user)
