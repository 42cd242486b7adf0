"""A finding walked from draft to the agency's reply in a real browser, and the version
comparison after an edit with a change reason. Data the browser is not about comes from
the world builder and the services."""

import re

import pytest
from playwright.sync_api import expect

from audits.choices import FindingStatus
from audits.models import Evidence, Finding, Response
from audits.services.findings import finding_create, finding_transition, recommendation_create
from tests.e2e.conftest import DESKTOP_VIEWPORT, PHONE_VIEWPORT, TIMEOUT_MS, log_in
from tests.world import build_world

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def open_as(browser, live_server, transactional_db):
    """`open_as(user, phone=False)`: a fresh browser context logged in as `user`."""
    contexts = []

    def open_page(user, phone=False):
        options = (
            {"viewport": PHONE_VIEWPORT, "is_mobile": True, "has_touch": True}
            if phone
            else {"viewport": DESKTOP_VIEWPORT}
        )
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return log_in(context.new_page(), live_server, user)

    yield open_page
    for context in contexts:
        context.close()


def test_finding_from_draft_to_agency_reply(open_as, live_server):
    world = build_world()
    photo = Evidence.objects.create(
        engagement=world.engagement,
        kind="photo",
        description="Unpaved segment seen from the levee",
        submitted_by=world.users["team_cso"],
        file="evidence/2026/01/feedfacecafebeef.jpg",
        sha256="0" * 64,
        size=2048,
        content_type="image/jpeg",
    )
    engagement_url = f"{live_server.url}/engagements/{world.engagement.pk}/"

    # A citizen auditor of the team drafts the finding in the editor.
    page = open_as(world.users["team_cso"])
    page.goto(engagement_url)
    page.get_by_role("link", name="New finding").click()
    page.fill("input[name=title]", "Segment 3 left unpaved")
    page.fill("textarea[name=condition]", "Segment 3 of the dike was left unpaved.")
    page.fill("textarea[name=criteria]", "The contract requires a paved crest.")
    page.fill("textarea[name=cause]", "The contractor stopped work early.")
    page.fill("textarea[name=effect]", "The crest erodes in the rains.")
    page.select_option("select[name=severity]", "high")
    page.fill("input[name=amount]", "1250000.00")
    page.check(f"input[name=evidence][value='{photo.pk}']")
    page.get_by_role("button", name="Save finding").click()
    expect(page.locator(".message.success")).to_contain_text("saved as a draft")
    finding = Finding.objects.get(title="Segment 3 left unpaved")
    assert list(finding.evidence.all()) == [photo]
    finding_url = f"{live_server.url}/findings/{finding.pk}/"
    # A citizen auditor may not submit it: no such button.
    expect(page.locator("button[data-move=for_review]")).to_have_count(0)

    # The team leader sees what is missing, adds the recommendation, then submits it.
    page = open_as(world.users["team_leader"])
    page.goto(finding_url)
    expect(page.locator("#finding-checklist li.missing")).to_contain_text("recommendation")
    expect(page.locator("button[data-move=for_review]")).to_have_count(0)
    page.fill("#recommendation-form textarea[name=text]", "Pave segment 3 before the rains.")
    page.get_by_role("button", name="Add recommendation").click()
    expect(page.locator("#finding-checklist li.missing")).to_have_count(0)
    page.locator("button[data-move=for_review]").click()
    expect(page.locator(".message.success")).to_contain_text("sent for review")

    # The supervisor issues it to the agency.
    page = open_as(world.users["supervisor"])
    page.goto(finding_url)
    page.locator("button[data-move=issued]").click()
    # Issuing cannot be undone: the page asks first and says who will be told.
    expect(page.locator("#what-happens")).to_contain_text("reply clock starts")
    expect(page.locator("#who-is-told")).to_contain_text("District Engineering Office")
    page.locator("#confirm-button").click()
    expect(page.locator(".message.success")).to_contain_text("was issued to")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.ISSUED

    # The agency respondent, on a phone, finds it in the inbox with the days left.
    page = open_as(world.users["agency_respondent"], phone=True)
    inbox = page.locator("#agency-inbox")
    expect(inbox).to_contain_text("Segment 3 left unpaved")
    expect(inbox).to_contain_text("15 days left")
    inbox.get_by_role("link", name=re.compile("Segment 3 left unpaved")).click()
    page.select_option("select[name=kind]", "management_comment")
    page.fill("textarea[name=body]", "The crest will be paved before the rains.")
    page.get_by_role("button", name="Post").click()
    expect(page.locator(".message.success")).to_contain_text("posted")
    expect(page.locator(".thread")).to_contain_text("The crest will be paved before the rains.")
    reply = Response.objects.get(finding=finding)
    assert reply.author == world.users["agency_respondent"]
    # The reply stops the clock: the inbox no longer asks for it.
    page.goto(live_server.url + "/")
    expect(page.locator("#agency-inbox")).not_to_contain_text("management comment due")

    # An auditor of the team reads the reply and sees the rejoinder form.
    page = open_as(world.users["team_auditor"])
    page.goto(finding_url)
    thread = page.locator(".thread")
    expect(thread).to_contain_text("Management comment")
    expect(thread).to_contain_text("The crest will be paved before the rains.")
    expect(page.locator("#response-form")).to_contain_text("Write a rejoinder")


def test_version_comparison_highlights_a_changed_word(open_as, live_server):
    world = build_world()
    leader = world.users["team_leader"]
    finding = finding_create(
        by=leader,
        engagement=world.engagement,
        title="Segment 3 left unpaved",
        condition="Segment 3 of the dike was left unpaved.",
        criteria="The contract requires a paved crest.",
        cause="The contractor stopped work early.",
        effect="The crest erodes in the rains.",
    )
    recommendation_create(by=leader, finding=finding, text="Pave it.")
    finding_transition(finding, by=leader, to=FindingStatus.FOR_REVIEW)
    finding_transition(finding, by=world.users["supervisor"], to=FindingStatus.ISSUED)

    page = open_as(leader)
    page.goto(f"{live_server.url}/findings/{finding.pk}/")
    page.fill("textarea[name=condition]", "Segment 3 of the dike was left partly unpaved.")
    # Once issued, saving without a reason is refused and says why.
    page.get_by_role("button", name="Save finding").click()
    expect(page.locator("#finding-editor")).to_contain_text("required")
    page.fill("textarea[name=condition]", "Segment 3 of the dike was left partly unpaved.")
    page.fill("input[name=change_reason]", "Corrected after the exit conference")
    page.get_by_role("button", name="Save finding").click()
    expect(page.locator(".message.success")).to_contain_text("saved")

    page.get_by_role("link", name="Versions").first.click()
    expect(page.locator("table.versions")).to_contain_text("Corrected after the exit conference")
    condition = page.locator(".comparison-row[data-field=condition]")
    expect(condition.locator("ins")).to_have_text("partly ")
    expect(condition.locator("del")).to_have_count(0)
    # Unchanged fields are hidden by the script, shown again by the toggle.
    title = page.locator(".comparison-row[data-field=title]")
    expect(title).to_be_hidden()
    page.uncheck("#only-changed")
    expect(title).to_be_visible()
