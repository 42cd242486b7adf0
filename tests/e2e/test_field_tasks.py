"""A citizen auditor's field tasks on a 360 px phone: the task list on the home page, one
task opened, a photo filed against it while offline (the evidence page's queue), sent when
the signal returns, then observations recorded and the task marked done."""

import datetime
import hashlib

import pytest
from playwright.sync_api import expect

from audits.choices import EngagementStatus, Role, TeamRole
from audits.models import Evidence
from programme.choices import ProcedureStatus
from programme.models import Procedure
from tests import evidence_samples as samples
from tests.e2e.conftest import _new_page
from tests.factories import EngagementFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.e2e
NARROW_PHONE = {"width": 360, "height": 740}
PHOTO = samples.jpeg_bytes(size=(320, 240))


@pytest.fixture
def narrow_phone(browser, transactional_db):
    context, page = _new_page(browser, NARROW_PHONE, is_mobile=True, has_touch=True)
    yield page
    context.close()


@pytest.fixture
def volunteer(transactional_db):
    engagement = EngagementFactory(status=EngagementStatus.FIELDWORK)
    leader = UserFactory(role=Role.AUDITOR, organization=engagement.sai)
    MemberFactory(engagement=engagement, user=leader, role=TeamRole.TEAM_LEADER)
    user = UserFactory(role=Role.CSO_AUDITOR, full_name="Leonora Bautista")
    MemberFactory(engagement=engagement, user=user, role=TeamRole.CSO_AUDITOR)

    def task(number, objective, due):
        procedure = Procedure.objects.create(
            engagement=engagement, number=number, objective=objective, method="measurement",
            location="km 0+300 to 0+650", due_date=due,
        )  # fmt: skip
        procedure.assignees.add(user)
        return procedure

    later = task(1, "Interview residents on the August flooding", datetime.date(2026, 12, 20))
    sooner = task(
        2, "Measure the riprap thickness at km 0+300 to 0+650", datetime.date(2026, 12, 2)
    )
    return user, engagement, sooner, later


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_volunteer_files_evidence_offline_against_a_task_and_marks_it_done(
    narrow_phone, live_server, login, volunteer
):
    user, engagement, sooner, later = volunteer
    page = narrow_phone
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 15.0933, "longitude": 120.8275})
    login(page, live_server, user)

    # The home page lists the tasks, soonest due first, without sideways scrolling.
    tasks = page.locator("#my-tasks [data-task]")
    assert tasks.count() == 2
    assert tasks.nth(0).get_attribute("data-task") == str(sooner.pk)
    assert tasks.nth(1).get_attribute("data-task") == str(later.pk)
    assert fits_the_screen(page)

    # Open the task, then its evidence page, which knows the task.
    tasks.nth(0).locator("a").click()
    page.wait_for_url(f"**/procedures/{sooner.pk}/")
    assert "Measure the riprap thickness" in page.inner_text("h1")
    assert fits_the_screen(page)
    page.click("#file-evidence")
    page.wait_for_url(f"**/engagements/{engagement.pk}/evidence/new/?procedure={sooner.pk}")
    assert "Measure the riprap" in page.inner_text("#filing-for-task")
    expect(page.locator("[name=latitude]")).not_to_have_value("")
    assert fits_the_screen(page)

    # No signal: the photo is kept on the phone.
    page.context.set_offline(True)
    page.select_option("select[name=kind]", "photo")
    page.fill("textarea[name=description]", "Riprap at km 0+450, tape across the stone")
    page.locator("input[type=file][name=file]").set_input_files(
        {"name": "IMG_0450.jpg", "mimeType": "image/jpeg", "buffer": PHOTO}
    )
    page.click("#evidence-submit")
    page.locator("#queue-list [data-queued]").wait_for()
    assert not Evidence.objects.exists()
    filing_url, context = page.url, page.context
    page.close()

    # Signal back: reopening the page sends the queue, linked to the task.
    context.set_offline(False)
    page = context.new_page()
    page.goto(filing_url)
    page.locator("#filed-link").wait_for()
    evidence = Evidence.objects.get()
    assert evidence.sha256 == hashlib.sha256(PHOTO).hexdigest()
    sooner.refresh_from_db()
    assert list(sooner.evidence.all()) == [evidence]
    assert sooner.status == ProcedureStatus.IN_PROGRESS

    # Back to the task: record what was observed and mark it done.
    page.click("#back-to-task")
    page.wait_for_url(f"**/procedures/{sooner.pk}/")
    assert page.locator(f"#procedure-evidence [data-evidence='{evidence.pk}']").count() == 1
    page.fill("#observations-form textarea[name=observations]", "Riprap 0.30 m thick; plan 0.45 m.")
    page.click("#observations-form button[type=submit]")
    page.wait_for_url(f"**/procedures/{sooner.pk}/")
    page.click("#procedure-moves [data-move=done] button")
    page.locator("#prepared-sign-off time").wait_for()
    assert "Leonora Bautista" in page.inner_text("#prepared-sign-off")
    sooner.refresh_from_db()
    assert sooner.status == ProcedureStatus.DONE and sooner.prepared_by == user
    assert fits_the_screen(page)
