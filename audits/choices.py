from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    SAI = "sai", _("Supreme audit institution")
    CSO = "cso", _("Civil-society organisation")
    AGENCY = "agency", _("Audited agency")


class Role(models.TextChoices):
    SAI_ADMIN = "sai_admin", _("SAI administrator")
    SUPERVISOR = "supervisor", _("Supervising auditor")
    AUDITOR = "auditor", _("Auditor")
    CSO_AUDITOR = "cso_auditor", _("Citizen (CSO) auditor")
    AGENCY_RESPONDENT = "agency_respondent", _("Agency respondent")
    OVERSIGHT = "oversight", _("Oversight")


# Which organisation kinds each role may belong to (None: any kind).
ROLE_ORGANIZATION_KINDS = {
    Role.SAI_ADMIN: {OrganizationKind.SAI},
    Role.SUPERVISOR: {OrganizationKind.SAI},
    Role.AUDITOR: {OrganizationKind.SAI},
    Role.CSO_AUDITOR: {OrganizationKind.CSO},
    Role.AGENCY_RESPONDENT: {OrganizationKind.AGENCY},
    Role.OVERSIGHT: None,
}


class EngagementStatus(models.TextChoices):
    PLANNING = "planning", _("Planning")
    FIELDWORK = "fieldwork", _("Fieldwork")
    REPORTING = "reporting", _("Reporting")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", _("Closed")


class TeamRole(models.TextChoices):
    TEAM_LEADER = "team_leader", _("Team leader")
    AUDITOR = "auditor", _("Auditor")
    CSO_AUDITOR = "cso_auditor", _("Citizen auditor")


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    DOCUMENT = "document", _("Document")
    INTERVIEW = "interview", _("Interview notes")
    INSPECTION = "inspection", _("Inspection notes")
    SURVEY = "survey", _("Survey")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class FindingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FOR_REVIEW = "for_review", _("For review")
    ISSUED = "issued", _("Issued")
    CLOSED = "closed", _("Closed")


class RecommendationStatus(models.TextChoices):
    NOT_IMPLEMENTED = "not_implemented", _("Not implemented")
    ONGOING = "ongoing", _("Ongoing")
    PARTIALLY_IMPLEMENTED = "partially_implemented", _("Partially implemented")
    IMPLEMENTED = "implemented", _("Implemented")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class ResponseKind(models.TextChoices):
    MANAGEMENT_COMMENT = "management_comment", _("Management comment")
    ACTION_PLAN = "action_plan", _("Action plan")
    STATUS_UPDATE = "status_update", _("Status update")
    AUDITOR_REJOINDER = "auditor_rejoinder", _("Auditor's rejoinder")


AGENCY_RESPONSE_KINDS = {
    ResponseKind.MANAGEMENT_COMMENT,
    ResponseKind.ACTION_PLAN,
    ResponseKind.STATUS_UPDATE,
}


class SanctionKind(models.TextChoices):
    SUSPENSION = "notice_of_suspension", _("Notice of suspension")
    DISALLOWANCE = "notice_of_disallowance", _("Notice of disallowance")
    CHARGE = "notice_of_charge", _("Notice of charge")


class SanctionStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    SETTLED = "settled", _("Settled")
    APPEALED = "appealed", _("Appealed")
    MATURED = "matured", _("Matured into a disallowance")
    FINAL = "final", _("Final and executory")
    APPEAL_GRANTED = "appeal_granted", _("Appeal granted")
    EXECUTION_ORDERED = "execution_ordered", _("Execution ordered")


class SettlementBasis(models.TextChoices):
    """Why a notice is settled (DOMAIN.md): paid in full, documents supplied (a suspension
    only), or lifted or reduced by a decision (a disallowance or charge)."""

    PAYMENT = "payment", _("Payment")
    COMPLIANCE = "compliance", _("Compliance")
    DECISION = "decision", _("Decision")
