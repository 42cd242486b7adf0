"""Template pieces of the follow-up pages: deadline badges, the agency respondent's
inbox and the findings section of an engagement. Reads only, through selectors."""

from django import template
from django.db.models import F
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audits import display
from audits import permissions as can
from audits.choices import FindingStatus, RecommendationStatus
from audits.deadlines import days_left
from audits.models import Finding, Recommendation, Sanction
from audits.selectors.deadlines import awaiting_agency
from audits.selectors.sanctions import sanction_totals

register = template.Library()
SOON_DAYS = 3
OPEN_RECOMMENDATION_STATUSES = [
    RecommendationStatus.NOT_IMPLEMENTED,
    RecommendationStatus.ONGOING,
    RecommendationStatus.PARTIALLY_IMPLEMENTED,
]


def deadline_text(days: int) -> str:
    if days > 0:
        return ngettext("%(days)d day left", "%(days)d days left", days) % {"days": days}
    if days == 0:
        return _("due today")
    return ngettext("overdue by %(days)d day", "overdue by %(days)d days", -days) % {"days": -days}


@register.simple_tag
def deadline(due):
    """`{% deadline finding.response_due %}`: the date with the days left, coloured."""
    if not due:
        return ""
    days = days_left(due, timezone.localdate())
    level = "overdue" if days < 0 else "soon" if days <= SOON_DAYS else "ok"
    return format_html(
        '<span class="deadline {}"><time datetime="{}">{}</time> · {}</span>',
        level,
        due.isoformat(),
        display.day(due),
        deadline_text(days),
    )


@register.simple_tag(takes_context=True)
def agency_inbox(context):
    """`{% agency_inbox as inbox %}`: what awaits the logged-in agency respondent: replies
    and sanction deadlines (`due`), and the open recommendations to report on."""
    user = context["request"].user
    recommendations = (
        Recommendation.objects.visible_to(user)
        .filter(finding__status=FindingStatus.ISSUED, status__in=OPEN_RECOMMENDATION_STATUSES)
        .select_related("finding")
        .order_by(F("target_date").asc(nulls_last=True), "pk")
    )
    return {
        "due": awaiting_agency(user, today=timezone.localdate()),
        "recommendations": recommendations,
    }


@register.simple_tag(takes_context=True)
def engagement_findings(context, engagement):
    """`{% engagement_findings engagement as section %}`: the engagement's findings the user
    may see, and the totals of their sanctions."""
    user = context["request"].user
    findings = (
        Finding.objects.visible_to(user).filter(engagement=engagement).order_by("reference", "pk")
    )
    sanctions = Sanction.objects.visible_to(user).filter(engagement=engagement)
    return {
        "findings": findings,
        "sanction_totals": sanction_totals(sanctions),
        "may_create": can.is_team_member(user, engagement),
    }
