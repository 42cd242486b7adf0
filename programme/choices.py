from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcedureMethod(models.TextChoices):
    INSPECTION = "inspection", _("Inspection")
    DOCUMENT_REVIEW = "document_review", _("Document review")
    INTERVIEW = "interview", _("Interview")
    SURVEY = "survey", _("Survey")
    MEASUREMENT = "measurement", _("Measurement")
    PHOTO_DOCUMENTATION = "photo_documentation", _("Photo documentation")


class ProcedureStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done, awaiting review")
    REVIEWED = "reviewed", _("Reviewed")


class ProgrammeKind(models.TextChoices):
    """The four kinds of project the CPA pilots audited; `other` for any new template."""

    FLOOD_CONTROL = "flood_control", _("Flood control")
    HEALTH_FACILITY = "health_facility", _("Health facility")
    SOLID_WASTE = "solid_waste", _("Solid waste management")
    SCHOOL_BUILDING = "school_building", _("School building")
    OTHER = "other", _("Other")


# Work still to do: an engagement does not leave fieldwork while a procedure is in one.
UNFINISHED_STATUSES = [ProcedureStatus.OPEN, ProcedureStatus.IN_PROGRESS, ProcedureStatus.DONE]
# Prepared (signed off by the preparer): done, and reviewed on top of it.
PREPARED_STATUSES = [ProcedureStatus.DONE, ProcedureStatus.REVIEWED]
