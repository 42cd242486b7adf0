"""Who sees which grievance. Each rule is one subquery on indexed columns.

- SAI administrators and supervisors (the triage staff) see every grievance.
- Agency respondents see those referred to their agency or an office below it.
- Members of an engagement team (and anyone granted the engagement) see the grievances
  that were taken into that engagement.
- Oversight sees every grievance past `received` (what the public sees too: Open311
  lists, statistics), never the contact or internal notes.
Contacts and internal notes are not part of any of these: only staff pages and
serializers read them, and an anonymous complainant's contact only through a reveal.
"""

from django.apps import apps
from django.db import models

from audits.choices import Role
from audits.querysets import _is_blind
from grievances.choices import GrievanceStatus

TRIAGE_ROLES = (Role.SAI_ADMIN, Role.SUPERVISOR)


def is_triage_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(*TRIAGE_ROLES))


class GrievanceQuerySet(models.QuerySet):
    def published(self):
        """What anyone may list: grievances staff have looked at (not raw submissions,
        which may be spam until verified)."""
        return self.exclude(status=GrievanceStatus.RECEIVED)

    def visible_to(self, user):
        if _is_blind(user):
            return self.none()
        role = user.effective_role
        if role in TRIAGE_ROLES:
            return self.all()
        if role == Role.AGENCY_RESPONDENT:
            agencies = apps.get_model("audits", "Organization").objects.subtree_of(
                user.organization_id
            )
            return self.filter(referred_agency__in=agencies.values("pk"))
        if role == Role.OVERSIGHT:
            return self.published()
        engagements = apps.get_model("audits", "Engagement").objects.with_full_access(user)
        return self.filter(engagement__in=engagements.values("pk"))


class GrievanceChildQuerySet(models.QuerySet):
    """Public updates and attachments: visible with their grievance."""

    def visible_to(self, user):
        grievances = apps.get_model("grievances", "Grievance").objects.visible_to(user)
        return self.filter(grievance__in=grievances.values("pk"))
