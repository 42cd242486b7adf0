import datetime
import hashlib
import uuid

import factory
from django.core.files.base import ContentFile

from audits.choices import EngagementStatus, OrganizationKind, Role, TeamRole
from audits.models import Engagement, EngagementMember, Organization, User
from audits.models.files import evidence_storage
from audits.services.findings import index_published_evidence
from audits.services.sanctions import sanction_deadlines

PASSWORD = "correct-horse-battery-staple"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganizationKind.AGENCY


class SaiFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"Commission on Audit {n}")
    kind = OrganizationKind.SAI


class CsoFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"Citizens' Watch {n}")
    kind = OrganizationKind.CSO
    accreditation_number = factory.Sequence(lambda n: f"CSO-2026-{n:04d}")
    accredited_until = factory.LazyFunction(
        lambda: datetime.date.today() + datetime.timedelta(days=365)
    )


class AgencyFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"District Engineering Office {n}")
    kind = OrganizationKind.AGENCY


ROLE_ORGANIZATION_FACTORY = {
    Role.SAI_ADMIN: SaiFactory,
    Role.SUPERVISOR: SaiFactory,
    Role.AUDITOR: SaiFactory,
    Role.CSO_AUDITOR: CsoFactory,
    Role.AGENCY_RESPONDENT: AgencyFactory,
    Role.OVERSIGHT: OrganizationFactory,
}


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    role = Role.AUDITOR
    organization = factory.LazyAttribute(lambda user: ROLE_ORGANIZATION_FACTORY[user.role]())
    is_staff = factory.LazyAttribute(lambda user: user.role == Role.SAI_ADMIN)  # as user_create
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(user, create, extracted, **kwargs):
        if create:
            user.save()


class EngagementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Engagement

    reference = factory.Sequence(lambda n: f"CPA-2026-{n:03d}")
    title = factory.Sequence(lambda n: f"Flood-control dike, segment {n}")
    subject = "Construction of a river flood-control dike"
    sai = factory.SubFactory(SaiFactory)
    auditee = factory.SubFactory(AgencyFactory)
    status = EngagementStatus.PLANNING
    period_start = datetime.date(2026, 1, 1)
    period_end = datetime.date(2026, 12, 31)
    amount_audited = "48500000.00"
    location = "Barangay San Isidro, Pampanga"


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EngagementMember

    engagement = factory.SubFactory(EngagementFactory)
    user = factory.SubFactory(UserFactory)
    role = TeamRole.AUDITOR


class EvidenceFactory(factory.django.DjangoModelFactory):
    """Evidence set up directly (a small text file in the evidence storage); tests of the
    filing rules use `audits.services.evidence.evidence_file`."""

    class Meta:
        model = "audits.Evidence"

    class Params:
        content = b"Site inspection notes: the dike is 40 m shorter than planned.\n"

    engagement = factory.SubFactory(EngagementFactory, status=EngagementStatus.FIELDWORK)
    kind = "inspection"
    description = factory.Sequence(lambda n: f"Inspection note {n}")
    submitted_by = factory.SubFactory(UserFactory)
    file = factory.LazyAttribute(
        lambda evidence: evidence_storage().save(
            f"evidence/{uuid.uuid4().hex}.txt", ContentFile(evidence.content)
        )
    )
    original_filename = "notes.txt"
    sha256 = factory.LazyAttribute(lambda evidence: hashlib.sha256(evidence.content).hexdigest())
    size = factory.LazyAttribute(lambda evidence: len(evidence.content))
    content_type = "text/plain"


def link_evidence(finding, *items):
    """Link evidence to a finding set up directly, and index it as published where the
    finding is (the findings services do both)."""
    finding.evidence.add(*items)
    index_published_evidence(finding)
    return finding


class IssuedFindingFactory(factory.django.DjangoModelFactory):
    """A finding already issued to the agency (set directly, without the findings services)."""

    class Meta:
        model = "audits.Finding"

    engagement = factory.SubFactory(EngagementFactory, status=EngagementStatus.REPORTING)
    reference = factory.Sequence(lambda n: f"AOM-{n:03d}")
    title = factory.Sequence(lambda n: f"Overpriced materials, item {n}")
    condition = "Cement was paid at twice the market price."
    status = "issued"
    created_by = factory.SubFactory(UserFactory, role=Role.AUDITOR)
    issued_on = datetime.date(2026, 3, 2)
    response_due = datetime.date(2026, 3, 17)


class SanctionFactory(factory.django.DjangoModelFactory):
    """A sanction set up directly in any status; tests of the rules use the services."""

    class Meta:
        model = "audits.Sanction"

    finding = factory.SubFactory(IssuedFindingFactory)
    engagement = factory.LazyAttribute(lambda sanction: sanction.finding.engagement)
    kind = "notice_of_disallowance"
    reference = factory.Sequence(lambda n: f"ND-2026-{n:04d}")
    amount = "150000.00"
    issued_on = datetime.date(2026, 4, 1)
    received_on = factory.LazyAttribute(lambda sanction: sanction.issued_on)
    settle_by = factory.LazyAttribute(
        lambda sanction: sanction_deadlines(sanction.kind, sanction.received_on)["settle_by"]
    )
    appeal_by = factory.LazyAttribute(
        lambda sanction: sanction_deadlines(sanction.kind, sanction.received_on)["appeal_by"]
    )
