"""`make bench` (reports part): time and peak memory of report generation at size.

1. An audit report of one engagement with 200 findings, 600 recommendations and 400
   evidence photos (1280×960 JPEG, each a different picture).
2. A recommendation status report over 10,000 findings (one recommendation each).

Runs in a throw-away test database with files in a temporary folder, never the
configured ones. Each scenario runs the whole job (`report_generate`: read the data,
render, store). Wall-clock and CPU seconds are both printed (on a shared machine the CPU
time is the one to compare); peak memory is the process's resident set, sampled every
20 ms while the job runs. Numbers are printed, never asserted.
"""

import datetime
import hashlib
import io
import os
import resource
import tempfile
import threading
import time
import uuid
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import override_settings
from PIL import Image, ImageDraw

from audits.choices import EngagementStatus, FindingStatus, OrganizationKind, Role, TeamRole
from audits.models import (
    Engagement,
    EngagementMember,
    Evidence,
    Finding,
    Organization,
    Recommendation,
    User,
)
from audits.models.files import evidence_storage
from reports.models import Report
from reports.services.generation import report_generate

PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


class PeakMemory:
    """Samples /proc/self/statm in a thread: the highest resident set seen, in MB."""

    def __init__(self):
        self.peak = 0
        self._stop = threading.Event()

    @staticmethod
    def resident() -> int:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * PAGE_BYTES

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.resident())
            self._stop.wait(0.02)

    def __enter__(self):
        self.peak = self.resident()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.resident())

    @property
    def megabytes(self) -> float:
        return self.peak / 1024 / 1024


def photo(number: int) -> bytes:
    image = Image.new("RGB", (1280, 960), ((number * 37) % 256, (number * 91) % 256, 120))
    draw = ImageDraw.Draw(image)
    draw.rectangle((100 + number % 400, 100, 700, 600), fill=(240, 240, 240))
    draw.text((120, 120), f"photo {number}", fill=(0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


class Command(BaseCommand):
    help = "Measure report generation at size (throw-away database and files)."

    def add_arguments(self, parser):
        parser.add_argument("--findings", type=int, default=200)
        parser.add_argument("--photos", type=int, default=400)
        parser.add_argument("--status-findings", type=int, default=10_000)

    def handle(self, *args, findings, photos, status_findings, **options):
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            with (
                tempfile.TemporaryDirectory() as media,
                override_settings(
                    MEDIA_ROOT=media,
                    REPORTS_JOB_RUNNER="inline",
                    STORAGES={
                        "default": {
                            "BACKEND": "django.core.files.storage.FileSystemStorage",
                            "OPTIONS": {"location": f"{media}/private"},
                        },
                        "evidence": {
                            "BACKEND": "django.core.files.storage.FileSystemStorage",
                            "OPTIONS": {"location": f"{media}/evidence"},
                        },
                        "staticfiles": {
                            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
                        },
                    },
                ),
            ):
                world = self.seed_people()
                self.stdout.write(
                    f"{'scenario':<58} {'wall s':>7} {'CPU s':>6} {'peak RSS MB':>12} pages"
                )
                big = self.seed_engagement(world, "BENCH-REPORT", findings, 3, photos)
                self.measure(
                    f"audit report: {findings} findings, {findings * 3} recs, {photos} photos",
                    world,
                    "audit_report",
                    big,
                )
                many = self.seed_engagement(world, "BENCH-STATUS", status_findings, 1, 0)
                self.measure(
                    f"recommendation status: {status_findings} findings",
                    world,
                    "recommendation_status",
                    many,
                )
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)

    def measure(self, label, world, kind, engagement):
        report = Report.objects.create(
            kind=kind, engagement=engagement, requested_by=world["supervisor"]
        )
        with PeakMemory() as memory:
            started, cpu_started = time.perf_counter(), time.process_time()
            report = report_generate(report.pk)
            seconds = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
        pages = "?"
        if report.status == "done":
            from pypdf import PdfReader

            with report.file.storage.open(report.file.name, "rb") as handle:
                pages = len(PdfReader(handle).pages)
        else:
            label += f" FAILED: {report.failure_reason[:200]}"
        self.stdout.write(
            f"{label:<58} {seconds:>7.1f} {cpu:>6.1f} {memory.megabytes:>12.0f} {pages}"
        )
        maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(f"{'':<58} (process max RSS so far {maxrss:.0f} MB)")

    def seed_people(self):
        sai = Organization.objects.create(name="Commission on Audit", kind=OrganizationKind.SAI)
        agency = Organization.objects.create(name="District Office", kind=OrganizationKind.AGENCY)
        supervisor = User.objects.create(
            username="bench-supervisor", role=Role.SUPERVISOR, organization=sai
        )
        auditor = User.objects.create(username="bench-auditor", role=Role.AUDITOR, organization=sai)
        return {"sai": sai, "agency": agency, "supervisor": supervisor, "auditor": auditor}

    def seed_engagement(self, world, reference, findings, recs_per_finding, photos):
        self.stdout.write(f"seeding {reference}: {findings} findings, {photos} photos")
        today = datetime.date.today()
        engagement = Engagement.objects.create(
            reference=reference,
            title="Flood-control dike, Barangay San Isidro",
            subject="Construction of a river flood-control dike",
            sai=world["sai"],
            auditee=world["agency"],
            status=EngagementStatus.REPORTING,
            period_start=datetime.date(2026, 1, 1),
            period_end=datetime.date(2026, 12, 31),
            objectives="Whether the dike was built as contracted. " * 20,
            criteria="Republic Act No. 9184 and the contract. " * 20,
            scope_and_methodology="Document review, site inspection, citizen survey. " * 20,
        )
        EngagementMember.objects.create(
            engagement=engagement, user=world["auditor"], role=TeamRole.TEAM_LEADER
        )
        rows = Finding.objects.bulk_create(
            Finding(
                engagement=engagement,
                reference=f"AOM-{number:05d}",
                title=f"Overpriced materials, item {number}",
                condition="The contractor billed cement at twice the market price. " * 8,
                criteria="Contract item 3 sets PHP 280 per bag. " * 3,
                cause="No canvass of prices was made before the purchase. " * 2,
                effect="Overpayment to the contractor. " * 3,
                amount=Decimal("1250000.00") + number,
                status=FindingStatus.ISSUED,
                issued_on=today,
                response_due=today + datetime.timedelta(days=15),
            )
            for number in range(findings)
        )
        Recommendation.objects.bulk_create(
            Recommendation(
                finding=finding,
                engagement=engagement,
                text=f"Recover the overpayment on item {finding.reference} ({index + 1}).",
            )
            for finding in rows
            for index in range(recs_per_finding)
        )
        storage = evidence_storage()
        links = []
        for number in range(photos):
            content = photo(number)
            name = storage.save(f"evidence/{uuid.uuid4().hex}.jpg", ContentFile(content))
            item = Evidence.objects.create(
                engagement=engagement,
                kind="photo",
                description=f"Site photo {number}",
                file=name,
                sha256=hashlib.sha256(content).hexdigest(),
                size=len(content),
                content_type="image/jpeg",
                submitted_by=world["auditor"],
            )
            links.append(
                Finding.evidence.through(
                    finding_id=rows[number % len(rows)].pk, evidence_id=item.pk
                )
            )
        Finding.evidence.through.objects.bulk_create(links)
        return engagement
