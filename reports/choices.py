from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    AUDIT_REPORT = "audit_report", _("Audit report")
    CITIZEN_REPORT = "citizen_report", _("Citizen report")
    RECOMMENDATION_STATUS = "recommendation_status", _("Recommendation status report")
    OBSERVATION_MEMORANDUM = "observation_memorandum", _("Audit observation memorandum")
    NOTICE = "notice", _("Notice of suspension, disallowance or charge")


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


# What each kind is about: the one subject field a request must name.
KIND_SUBJECTS = {
    ReportKind.AUDIT_REPORT: {"engagement"},
    ReportKind.CITIZEN_REPORT: {"engagement"},
    ReportKind.RECOMMENDATION_STATUS: {"engagement", "agency"},
    ReportKind.OBSERVATION_MEMORANDUM: {"finding"},
    ReportKind.NOTICE: {"sanction"},
}
# Listed on the public page once approved (documents served on an agency are not).
PUBLIC_KINDS = [
    ReportKind.AUDIT_REPORT,
    ReportKind.CITIZEN_REPORT,
    ReportKind.RECOMMENDATION_STATUS,
]
