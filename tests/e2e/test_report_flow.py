"""A report generated from the engagement page in a real browser: the job runs in a
thread of the (live) web process, the progress bar follows it through the API, the page
reloads when it is done, and a supervisor approves it."""

import re

import pytest
from playwright.sync_api import expect

from audits.choices import EngagementStatus
from reports.models import Report
from tests.e2e.conftest import DESKTOP_VIEWPORT, TIMEOUT_MS, log_in
from tests.reports.setup import audit_file
from tests.world import build_world

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _fast_passwords_and_threads(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.REPORTS_JOB_RUNNER = "thread"  # the default without a broker


def test_generate_follow_progress_and_approve(browser, live_server, transactional_db):
    world = build_world(status=EngagementStatus.REPORTING)
    audit_file(world)
    contexts = []

    def open_as(user):
        context = browser.new_context(viewport=DESKTOP_VIEWPORT)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return log_in(context.new_page(), live_server, user)

    try:
        page = open_as(world.users["team_leader"])
        page.goto(f"{live_server.url}/engagements/{world.engagement.pk}/")
        page.get_by_role("button", name="Generate: Audit report").click()
        expect(page).to_have_url(re.compile(r"/reports/\d+/$"))
        expect(page.locator("#job-progress")).to_be_visible()
        # progress.js polls the API and reloads the page when the job is done.
        expect(page.get_by_role("link", name="Download the PDF")).to_be_visible(timeout=60_000)
        report = Report.objects.get()
        assert report.status == "done" and report.progress == 100

        boss = open_as(world.users["supervisor"])
        boss.goto(f"{live_server.url}/reports/{report.pk}/")
        boss.get_by_role("button", name="Approve and freeze").click()
        expect(boss.get_by_text("Approved: the final version is frozen")).to_be_visible()
        report.refresh_from_db()
        boss.goto(f"{live_server.url}/verify/{report.sha256}/")
        expect(boss.get_by_text("Issued.")).to_be_visible()
    finally:
        for context in contexts:
            context.close()
