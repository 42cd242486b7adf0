"""Issue 11 on the web pages: irreversible moves ask first (saying what will happen and who
will be told), buttons that cannot work are not shown, and the pages show the checklist,
the settlement basis and the refusals of the services."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audits.choices import EngagementStatus, FindingStatus, SanctionKind, SanctionStatus
from audits.models import Engagement, EngagementMember, Finding, Sanction
from audits.services.findings import finding_create
from audits.services.sanctions import sanction_create
from tests import evidence_samples as samples
from tests.findings_setup import make_finding
from tests.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world(EngagementStatus.FIELDWORK)


def today():
    return timezone.localdate()


def logged_in(client, world, name):
    client.force_login(world.users[name])
    return client


def notice(world, finding, kind=SanctionKind.DISALLOWANCE, reference="ND-0001"):
    return sanction_create(
        by=world.users["team_auditor"],
        finding=finding,
        kind=kind,
        reference=reference,
        amount="1000.00",
        liabilities=[{"name": "Juan dela Cruz", "share_percent": "100"}],
    )


# --- the finding page --------------------------------------------------------------------


def test_the_finding_page_shows_the_checklist_and_no_button_until_complete(client, world):
    draft = finding_create(by=world.users["team_leader"], engagement=world.engagement, title="T")
    page = logged_in(client, world, "team_leader").get(reverse("finding-detail", args=[draft.pk]))
    html = page.content.decode()
    assert 'id="finding-checklist"' in html
    assert html.count('data-done="no"') == 5  # four narrative parts and a recommendation
    assert 'data-move="for_review"' not in html
    complete = make_finding(world, FindingStatus.DRAFT, reference="AOM-2")
    page = client.get(reverse("finding-detail", args=[complete.pk]))
    html = page.content.decode()
    assert html.count('data-done="no"') == 1  # only the recommendation is missing
    make_finding(world, FindingStatus.FOR_REVIEW, reference="AOM-3")
    ready = Finding.objects.get(reference="AOM-3")
    page = logged_in(client, world, "supervisor").get(reverse("finding-detail", args=[ready.pk]))
    html = page.content.decode()
    assert 'data-done="no"' not in html and 'data-move="issued"' in html


def test_issuing_a_finding_asks_first_saying_who_will_be_told(client, world):
    finding = make_finding(world, FindingStatus.FOR_REVIEW)
    url = reverse("finding-transition", args=[finding.pk])
    page = logged_in(client, world, "supervisor").post(url, {"to": "issued"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="confirm-form"' in html and "reply clock starts" in html
    assert "agency respondents of District Engineering Office" in html
    assert Finding.objects.get(pk=finding.pk).status == FindingStatus.FOR_REVIEW
    done = client.post(url, {"to": "issued", "confirmed": "1"})
    assert done.status_code == 302
    assert Finding.objects.get(pk=finding.pk).status == FindingStatus.ISSUED


def test_closing_a_finding_asks_first_and_keeps_the_reason(client, world):
    finding = make_finding(world, FindingStatus.ISSUED)
    url = reverse("finding-transition", args=[finding.pk])
    page = logged_in(client, world, "team_leader").post(url, {"to": "closed", "reason": "Done"})
    html = page.content.decode()
    assert "closed for good" in html and 'name="reason" value="Done"' in html
    assert Finding.objects.get(pk=finding.pk).status == FindingStatus.ISSUED
    client.post(url, {"to": "closed", "reason": "Done", "confirmed": "1"})
    assert Finding.objects.get(pk=finding.pk).status == FindingStatus.CLOSED


# --- the engagement page -----------------------------------------------------------------


def test_removing_a_member_asks_first(client, world):
    member = EngagementMember.objects.get(engagement=world.engagement, user__username="team_cso")
    url = reverse("engagement-member-remove", args=[world.engagement.pk, member.pk])
    page = logged_in(client, world, "team_leader").post(url)
    html = page.content.decode()
    assert "loses access to its drafts and evidence" in html and "Who will be told" in html
    assert EngagementMember.objects.filter(pk=member.pk).exists()
    client.post(url, {"confirmed": "1"})
    assert not EngagementMember.objects.filter(pk=member.pk).exists()


def test_closing_an_engagement_asks_first(client):
    follow_up = build_world(EngagementStatus.FOLLOW_UP)
    url = reverse("engagement-transition", args=[follow_up.engagement.pk])
    page = logged_in(client, follow_up, "team_leader").post(url, {"to": "closed"})
    assert "can no longer change" in page.content.decode()
    assert Engagement.objects.get(pk=follow_up.engagement.pk).status == "follow_up"
    client.post(url, {"to": "closed", "confirmed": "1"})
    assert Engagement.objects.get(pk=follow_up.engagement.pk).status == "closed"


def test_a_closed_engagement_offers_no_team_buttons(client):
    closed = build_world(EngagementStatus.CLOSED)
    page = logged_in(client, closed, "team_leader").get(
        reverse("engagement-detail", args=[closed.engagement.pk])
    )
    html = page.content.decode()
    assert "/remove/" not in html and 'id="member-add-form"' not in html


def test_the_last_team_leader_has_no_remove_button(client, world):
    page = logged_in(client, world, "supervisor").get(
        reverse("engagement-detail", args=[world.engagement.pk])
    )
    leader = EngagementMember.objects.get(engagement=world.engagement, role="team_leader")
    assert f"/members/{leader.pk}/remove/" not in page.content.decode()


# --- the sanction page -------------------------------------------------------------------


def test_a_team_auditor_gets_no_settle_button_while_a_balance_remains(client, world):
    sanction = notice(world, make_finding(world, FindingStatus.ISSUED))
    page = logged_in(client, world, "team_auditor").get(
        reverse("sanction-detail", args=[sanction.pk])
    )
    assert 'data-move="settled"' not in page.content.decode()


def test_a_supervisor_settles_on_a_decision_after_confirming(client, world):
    sanction = notice(world, make_finding(world, FindingStatus.ISSUED))
    detail = reverse("sanction-detail", args=[sanction.pk])
    page = logged_in(client, world, "supervisor").get(detail)
    html = page.content.decode()
    assert 'data-move="settled"' in html and 'name="decision_reference"' in html
    url = reverse("sanction-transition", args=[sanction.pk])
    form = {
        "to": "settled",
        "settlement_basis": "decision",
        "reason": "Lifted on appeal",
        "decision_reference": "LAO-D 2026-014",
    }
    page = client.post(url, form)
    assert "no further payment is taken" in page.content.decode()
    assert Sanction.objects.get(pk=sanction.pk).status == SanctionStatus.ISSUED
    client.post(url, {**form, "confirmed": "1"})
    settled = Sanction.objects.get(pk=sanction.pk)
    assert (settled.status, settled.settlement_basis) == ("settled", "decision")
    html = client.get(detail).content.decode()
    assert 'id="settlement-basis">Decision' in html and "Lifted on appeal" in html
    assert "LAO-D 2026-014" in html


def test_declaring_a_notice_final_asks_first(client, world):
    finding = make_finding(world, FindingStatus.ISSUED)
    sanction = notice(world, finding)
    url = reverse("sanction-transition", args=[sanction.pk])
    page = logged_in(client, world, "team_auditor").post(url, {"to": "final"})
    assert "final and executory" in page.content.decode()


def test_the_payment_form_shows_receipt_and_date_refusals(client, world):
    finding = make_finding(world, FindingStatus.ISSUED)
    first = notice(world, finding)
    second = notice(world, finding, reference="ND-0002")
    client = logged_in(client, world, "team_auditor")
    payment = {"paid_on": today().isoformat(), "amount": "10.00", "receipt_reference": "OR-5"}
    client.post(reverse("sanction-payment", args=[first.pk]), payment)
    refused = client.post(reverse("sanction-payment", args=[second.pk]), payment)
    assert refused.status_code == 400 and "confirm" in refused.content.decode()
    yesterday = (today() - datetime.timedelta(days=1)).isoformat()
    refused = client.post(
        reverse("sanction-payment", args=[second.pk]), {**payment, "paid_on": yesterday}
    )
    assert refused.status_code == 400 and "before the notice was issued" in (
        refused.content.decode()
    )
    shared = client.post(
        reverse("sanction-payment", args=[second.pk]), {**payment, "confirm_shared_receipt": "on"}
    )
    assert shared.status_code == 302 and second.payments.count() == 1


def test_the_notice_form_refuses_a_year_9999(client, world):
    finding = make_finding(world, FindingStatus.ISSUED)
    page = logged_in(client, world, "team_auditor").post(
        reverse("sanction-add", args=[finding.pk]),
        {
            "kind": SanctionKind.DISALLOWANCE,
            "reference": "ND-9",
            "amount": "10.00",
            "received_on": "9999-12-31",
            "liabilities": "Juan dela Cruz",
        },
    )
    assert page.status_code == 400 and not Sanction.objects.exists()


# --- the evidence page -------------------------------------------------------------------


def test_the_filing_form_says_already_filed_as_n(client, world):
    client = logged_in(client, world, "team_cso")
    url = reverse("evidence-new", args=[world.engagement.pk])
    first = client.post(url, {"kind": "document", "file": samples.upload(samples.PDF, "a.pdf")})
    assert first.status_code == 302
    again = client.post(url, {"kind": "document", "file": samples.upload(samples.PDF, "b.pdf")})
    existing = world.engagement.evidence.get()
    assert f"already filed as #{existing.pk}" in again.content.decode()
