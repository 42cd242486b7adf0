"""`make bench`: query counts and timings of the API's list endpoints as the data grows.

Runs in a throw-away test database (never the configured one), so it is safe anywhere.
Numbers are printed, never asserted: tests assert query counts, benchmarks measure time.
"""

import datetime
import statistics
import time
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from audits.choices import (
    EngagementStatus,
    FindingStatus,
    OrganizationKind,
    Role,
    SanctionKind,
    TeamRole,
)
from audits.models import (
    Engagement,
    EngagementMember,
    Finding,
    Organization,
    Recommendation,
    Sanction,
    User,
)

ENDPOINTS = [
    "/api/v1/engagements/?page_size=50",
    "/api/v1/findings/?page_size=50",
    "/api/v1/recommendations/?page_size=50",
    "/api/v1/sanctions/?page_size=50",
    "/api/v1/evidence/?page_size=50",
]


class Command(BaseCommand):
    help = "Measure the list endpoints with growing data (throw-away database)."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", default="10,100,1000", help="engagements per step")
        parser.add_argument("--repeat", type=int, default=5)

    def handle(self, *args, sizes, repeat, **options):
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            self.run(sorted(int(size) for size in sizes.split(",")), repeat)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)

    def run(self, sizes, repeat):
        world = self.seed_people()
        made = 0
        self.stdout.write(f"{'engagements':>11} {'caller':<18} {'endpoint':<40} queries  median ms")
        for size in sizes:
            self.seed_engagements(world, made, size)
            made = size
            for caller in ("supervisor", "agency_respondent"):
                client = APIClient()
                client.force_authenticate(world[caller])
                for url in ENDPOINTS:
                    queries, millis = self.measure(client, url, repeat)
                    self.stdout.write(
                        f"{size:>11} {caller:<18} {url:<40} {queries:>7}  {millis:>9.1f}"
                    )

    def measure(self, client, url, repeat):
        timings = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                return f"HTTP {response.status_code}", 0.0
        return len(captured.captured_queries), statistics.median(timings)

    def seed_people(self):
        sai = Organization.objects.create(name="Commission on Audit", kind=OrganizationKind.SAI)
        agency = Organization.objects.create(name="District Office", kind=OrganizationKind.AGENCY)
        people = {}
        for role, organization in [
            (Role.SUPERVISOR, sai),
            (Role.AUDITOR, sai),
            (Role.AGENCY_RESPONDENT, agency),
        ]:
            people[role.value] = User.objects.create(
                username=f"bench-{role.value}", role=role, organization=organization
            )
        people.update(sai=sai, agency=agency)
        return people

    def seed_engagements(self, world, start, stop):
        today = datetime.date.today()
        self.stdout.write(f"seeding engagements {start + 1}..{stop}", ending="\r")
        for number in range(start, stop):
            engagement = Engagement.objects.create(
                reference=f"BENCH-{number:06d}",
                title=f"Bench engagement {number}",
                sai=world["sai"],
                auditee=world["agency"],
                status=EngagementStatus.REPORTING,
                period_start=datetime.date(2026, 1, 1),
                period_end=datetime.date(2026, 12, 31),
            )
            EngagementMember.objects.create(
                engagement=engagement, user=world["auditor"], role=TeamRole.TEAM_LEADER
            )
            for index in range(2):
                finding = Finding.objects.create(
                    engagement=engagement,
                    reference=f"AOM-{number}-{index}",
                    title="Unliquidated cash advances",
                    condition="Cash advances of ₱1.2M remain unliquidated.",
                    status=FindingStatus.ISSUED,
                    issued_on=today,
                    response_due=today + datetime.timedelta(days=15),
                    amount=Decimal("1200000.00"),
                )
                Recommendation.objects.create(
                    finding=finding, engagement=engagement, text="Liquidate the advances."
                )
                Sanction.objects.create(
                    finding=finding,
                    engagement=engagement,
                    kind=SanctionKind.DISALLOWANCE,
                    reference=f"ND-{number}-{index}",
                    amount=Decimal("1200000.00"),
                    issued_on=today,
                    received_on=today,
                )
        self.stdout.write("")
