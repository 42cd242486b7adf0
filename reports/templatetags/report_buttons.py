from django import template

from reports.models import Report
from reports.views import generate_buttons

register = template.Library()


@register.inclusion_tag("reports/_generate.html", takes_context=True)
def report_buttons(context, engagement=None, finding=None, sanction=None):
    """Generate buttons and the latest versions for one engagement, finding or sanction."""
    user = context["request"].user
    field, obj = next(
        (name, value)
        for name, value in (
            ("engagement", engagement),
            ("finding", finding),
            ("sanction", sanction),
        )
        if value is not None
    )
    reports = Report.objects.visible_to(user).filter(**{field: obj})
    if field == "engagement":
        reports = reports.filter(finding__isnull=True, sanction__isnull=True)
    elif field == "finding":
        reports = reports.filter(sanction__isnull=True)
    return {
        "buttons": generate_buttons(user, **{field: obj}),
        "reports": reports.order_by("-requested_at")[:10],
        "csrf_token": context.get("csrf_token"),
    }
