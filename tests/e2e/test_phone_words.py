"""On a 360 px phone: the header stays one row, a payment ledger turns into cards, a long
SHA-256 wraps instead of widening the page, money reads ₱2,150,000.00; and the language
switch in the footer turns the page into Filipino and keeps it so."""

from decimal import Decimal
from pathlib import Path

import pytest

from audits.choices import FindingStatus
from audits.services.sanctions import payment_record
from tests.audits.test_views_sanctions import issue_sanction
from tests.e2e.conftest import TIMEOUT_MS, log_in
from tests.factories import EvidenceFactory
from tests.findings_setup import make_finding
from tests.world import build_world

pytestmark = pytest.mark.e2e
SMALL_PHONE = {"width": 360, "height": 740}
SHOTS = Path("/tmp/w9words-shots")


@pytest.fixture
def small_phone(browser, transactional_db):
    context = browser.new_context(viewport=SMALL_PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def header_is_one_row(page) -> bool:
    """Brand, navigation and account sit side by side: their boxes share one line."""
    return page.evaluate(
        """() => {
          const header = document.querySelector('.site-header');
          const tops = [...header.children].filter(c => c.offsetParent !== null)
            .map(c => c.getBoundingClientRect());
          const first = tops[0];
          return tops.every(r => r.top < first.bottom && r.bottom > first.top)
            && header.getBoundingClientRect().width <= window.innerWidth;
        }"""
    )


def shoot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_ledger_and_header_on_a_small_phone(small_phone, live_server):
    world = build_world()
    finding = make_finding(world, FindingStatus.ISSUED, amount="3000000")
    sanction = issue_sanction(world, finding, amount=Decimal("2150000.00"))
    payment_record(
        sanction,
        by=world.users["team_auditor"],
        paid_on=sanction.received_on,
        amount=Decimal("150000.00"),
        receipt_reference="OR-2026-000000000000000000000000123456",
    )
    page = log_in(small_phone, live_server, world.users["supervisor"])
    page.goto(f"{live_server.url}/sanctions/{sanction.pk}/")
    assert header_is_one_row(page)
    assert fits_the_screen(page)
    assert "₱2,150,000.00" in page.inner_text("main")
    # The ledger rows are cards: one row's cells are stacked, each with its label.
    row = page.locator("table.ledger tbody tr").nth(1)
    assert row.evaluate("tr => getComputedStyle(tr).display") == "block"
    label = row.locator("td").first.evaluate("td => getComputedStyle(td, '::before').content")
    assert "Paid on" in label
    shoot(page, "ledger-360")


def test_a_long_hash_wraps_on_a_small_phone(small_phone, live_server):
    world = build_world()
    evidence = EvidenceFactory(engagement=world.engagement, submitted_by=world.users["team_cso"])
    page = log_in(small_phone, live_server, world.users["team_leader"])
    page.goto(f"{live_server.url}/evidence/{evidence.pk}/")
    assert evidence.sha256 in page.inner_text("main")
    assert fits_the_screen(page)
    assert header_is_one_row(page)


def test_the_footer_switch_turns_the_site_filipino_and_it_stays(small_phone, live_server):
    world = build_world()
    page = log_in(small_phone, live_server, world.users["team_auditor"])
    page.select_option("#language-select", "fil")
    page.click("#language-switch button[type=submit]")
    page.wait_for_selector("html[lang=fil]")
    assert "Mag-log out" in page.inner_text("header")
    assert fits_the_screen(page) and header_is_one_row(page)
    shoot(page, "home-fil-360")
    page.goto(f"{live_server.url}/engagements/{world.engagement.pk}/")
    assert page.get_attribute("html", "lang") == "fil"
    world.users["team_auditor"].refresh_from_db()
    assert world.users["team_auditor"].language == "fil"
