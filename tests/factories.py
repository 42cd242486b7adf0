import datetime

import factory

from audits.choices import EngagementStatus, OrganizationKind, Role, TeamRole
from audits.models import Engagement, EngagementMember, Organization, User

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
