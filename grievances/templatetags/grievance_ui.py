from django import template

from grievances.models import Grievance
from grievances.querysets import is_triage_staff
from grievances.selectors import with_public_data

register = template.Library()


@register.simple_tag(takes_context=True)
def engagement_grievances(context, engagement):
    """The grievances that led to an engagement, as the viewer may see them."""
    user = context["request"].user
    rows = with_public_data(Grievance.objects.visible_to(user).filter(engagement=engagement))
    return {"grievances": list(rows.order_by("submitted_at")), "is_staff": is_triage_staff(user)}
