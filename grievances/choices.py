from django.db import models
from django.utils.translation import gettext_lazy as _


class GrievanceStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    UNDER_REVIEW = "under_review", _("Under review")
    REFERRED_TO_AGENCY = "referred_to_agency", _("Referred to the agency")
    REFERRED_TO_AUDIT = "referred_to_audit", _("Taken into an audit")
    DISMISSED = "dismissed", _("Dismissed")
    RESOLVED = "resolved", _("Resolved")


# Open311 knows two statuses; everything not closed is open.
CLOSED_STATUSES = {GrievanceStatus.DISMISSED, GrievanceStatus.RESOLVED}


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    API = "api", _("API")
    OPEN311 = "open311", _("Open311 app")
    DESK = "desk", _("Walk-in desk or CSO")


class UpdateKind(models.TextChoices):
    STATUS = "status", _("Change of status")
    STAFF = "staff", _("Update from the audit institution")
    ACTION_PLAN = "action_plan", _("Action plan of the agency")


class Escalation(models.TextChoices):
    VERIFICATION = "verification", _("Not verified in time")
    ACTION_PLAN = "action_plan", _("No action plan in time")
