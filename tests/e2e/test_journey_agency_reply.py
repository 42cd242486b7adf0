"""Journey: the agency respondent, who comes a few times a year, finds the finding awaiting
their reply on the home page with the days left, and posts a management comment."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from audits.choices import EngagementStatus
from audits.models import Response
from tests.factories import IssuedFindingFactory
from tests.world import build_world

pytestmark = pytest.mark.e2e


@pytest.fixture
def world(transactional_db):
    world = build_world(status=EngagementStatus.REPORTING)
    today = timezone.localdate()
    world.finding = IssuedFindingFactory(
        engagement=world.engagement,
        title="Culvert paid at twice the price",
        amount="2150000.00",
        issued_on=today - datetime.timedelta(days=5),
        response_due=today + datetime.timedelta(days=10),
    )
    return world


def test_agency_respondent_replies_to_a_finding(page, live_server, login, world, screenshot):
    login(page, live_server, world.users["agency_respondent"])
    inbox = page.locator("#agency-inbox")
    expect(inbox).to_contain_text("Culvert paid at twice the price")
    expect(inbox).to_contain_text("10 days left")
    screenshot(page, "01-home-inbox")

    inbox.get_by_role("link", name="Culvert paid at twice the price").click()
    page.wait_for_url(f"**/findings/{world.finding.pk}/")
    screenshot(page, "02-finding")
    page.get_by_role("button", name="Post").click()  # empty: the browser stops it at the field
    assert page.locator("textarea[name=body]").evaluate("field => !field.validity.valid")
    assert not Response.objects.filter(finding=world.finding).exists()
    page.select_option("select[name=kind]", "management_comment")
    page.fill("textarea[name=body]", "The contractor will refund the difference by January.")
    page.get_by_role("button", name="Post").click()
    expect(page.locator(".message.success")).to_contain_text("posted")
    expect(page.locator(".thread")).to_contain_text("refund the difference by January")
    screenshot(page, "03-reply-posted")
    reply = Response.objects.get(finding=world.finding)
    assert reply.author == world.users["agency_respondent"]
    assert reply.kind == "management_comment"
