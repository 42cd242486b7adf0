"""Who sees the programme: the team, the SAI's staff over the engagement and those granted
the engagement (django-guardian) — the engagements whose whole file the caller may read.
Agencies and oversight never see the programme or its working papers: they are internal
to the audit, whatever the engagement's status."""

from django.apps import apps
from django.db import models

from audits.choices import Role

TEMPLATE_READERS = {Role.SAI_ADMIN, Role.SUPERVISOR, Role.AUDITOR, Role.CSO_AUDITOR}


def _full_access_engagements(user):
    return apps.get_model("audits", "Engagement").objects.with_full_access(user).values("pk")


class ProgrammeTemplateQuerySet(models.QuerySet):
    def visible_to(self, user):
        """SAI staff and citizen auditors (with a valid accreditation) read the templates."""
        if not user.is_authenticated or user.accreditation_lapsed:
            return self.none()
        return self.all() if user.has_role(*TEMPLATE_READERS) else self.none()


class ProcedureQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(engagement__in=_full_access_engagements(user))

    def assigned_to(self, user):
        assignments = self.model.assignees.through.objects.filter(user=user)
        return self.visible_to(user).filter(pk__in=assignments.values("procedure_id"))


class ReviewNoteQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(engagement__in=_full_access_engagements(user))

    def unanswered(self):
        return self.filter(answered_at__isnull=True)
