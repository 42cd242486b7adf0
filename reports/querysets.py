"""Who sees which report, as one SQL condition (the shape of `audits.querysets`).

- The engagement's team, its SAI's supervisors and administrators (full access to the
  file): every report and document of it, drafts included.
- Agency respondents and oversight (published access): approved reports only, of the
  engagements `Engagement.objects.visible_to` already gives them (oversight: reporting
  or later).
- Reports about an agency across engagements (no engagement): the person who asked for
  them, the SAI's supervisors and administrators, and, once approved, oversight.
"""

from django.apps import apps
from django.db import models
from django.db.models import Q

from audits.choices import Role
from audits.querysets import OVERSIGHT_VISIBLE_STATUSES, _is_blind


def _engagements():
    return apps.get_model("audits", "Engagement").objects


class ReportQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(approved_at__isnull=False)

    def visible_to(self, user):
        if _is_blind(user):
            return self.none()
        full = _engagements().with_full_access(user).values("pk")
        partial = _engagements().visible_to(user).values("pk")
        approved = Q(approved_at__isnull=False)
        engagement_rule = Q(engagement__in=full) | (Q(engagement__in=partial) & approved)
        agency_rule = Q(engagement__isnull=True) & (
            Q(requested_by=user)
            | Q(pk__isnull=not user.has_role(Role.SAI_ADMIN, Role.SUPERVISOR))
            | (approved & Q(pk__isnull=not user.has_role(Role.OVERSIGHT)))
        )
        return self.filter(engagement_rule | agency_rule)

    def published(self):
        """Approved reports of engagements in reporting or later: the public list."""
        from reports.choices import PUBLIC_KINDS

        return self.approved().filter(
            kind__in=PUBLIC_KINDS, engagement__status__in=OVERSIGHT_VISIBLE_STATUSES
        )
