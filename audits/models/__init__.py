from audits.models.engagements import (
    Engagement,
    EngagementGroupObjectPermission,
    EngagementMember,
    EngagementUserObjectPermission,
)
from audits.models.evidence import Evidence, EvidenceAccess, PublishedEvidence
from audits.models.findings import Finding, Recommendation, Response, ResponseAttachment
from audits.models.organizations import Organization
from audits.models.reminders import ReminderDigest
from audits.models.sanctions import PersonLiable, Sanction, SanctionPayment
from audits.models.submissions import FormSubmission
from audits.models.users import User
from audits.models.visits import HomeVisit

__all__ = [
    "Engagement",
    "EngagementGroupObjectPermission",
    "EngagementMember",
    "EngagementUserObjectPermission",
    "Evidence",
    "EvidenceAccess",
    "Finding",
    "FormSubmission",
    "HomeVisit",
    "Organization",
    "PersonLiable",
    "PublishedEvidence",
    "Recommendation",
    "ReminderDigest",
    "Response",
    "ResponseAttachment",
    "Sanction",
    "SanctionPayment",
    "User",
]
