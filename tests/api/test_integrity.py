"""Issue 11 through the API: each integrity rule answers with the status and the field
the contract promises, and changes nothing when it refuses."""

import datetime

import pytest
from django.utils import timezone

from audits.choices import EngagementStatus, FindingStatus, SanctionKind
from audits.models import Engagement, Evidence, Sanction, SanctionPayment
from tests.conftest import client_for
from tests.factories import AgencyFactory, IssuedFindingFactory
from tests.findings_setup import make_finding
from tests.world import build_world

pytestmark = pytest.mark.django_db
D = datetime.date


def today():
    return timezone.localdate()


@pytest.fixture
def world():
    return build_world(EngagementStatus.FIELDWORK)


@pytest.fixture
def finding(world):
    return make_finding(world, FindingStatus.ISSUED)


def as_user(world, name):
    return client_for(world.users[name])


def create_notice(world, finding, **fields):
    payload = {
        "finding": finding.pk,
        "kind": SanctionKind.DISALLOWANCE,
        "reference": f"ND-{Sanction.objects.count() + 1:04d}",
        "amount": "100000.00",
        "persons_liable": ["Engr. A. Cruz"],
        **fields,
    }
    return as_user(world, "team_auditor").post("/api/v1/sanctions/", payload, format="json")


# --- engagements -------------------------------------------------------------------------


def test_patching_the_auditee_after_planning_is_a_409_that_says_why(world):
    url = f"/api/v1/engagements/{world.engagement.pk}/"
    other = AgencyFactory()
    response = as_user(world, "team_leader").patch(url, {"auditee": other.pk}, format="json")
    assert response.status_code == 409
    assert "fixed once the engagement has left planning" in response.json()["detail"]
    response = as_user(world, "supervisor").patch(url, {"sai": other.pk}, format="json")
    assert response.status_code == 409
    assert Engagement.objects.get(pk=world.engagement.pk).auditee == world.agency


def test_in_planning_only_the_team_leader_or_a_supervisor_changes_the_auditee():
    world = build_world(EngagementStatus.PLANNING)
    url = f"/api/v1/engagements/{world.engagement.pk}/"
    other = AgencyFactory()
    response = as_user(world, "team_auditor").patch(url, {"auditee": other.pk}, format="json")
    assert response.status_code == 403
    response = as_user(world, "team_leader").patch(url, {"auditee": other.pk}, format="json")
    assert response.status_code == 200 and response.json()["auditee"] == other.pk
    history = as_user(world, "team_leader").get(url + "history/").json()
    assert history[0]["user"] == world.users["team_leader"].pk
    assert {"field": "auditee", "old": world.agency.pk, "new": other.pk} in history[0]["changes"]


@pytest.mark.parametrize("field", ["period_start", "period_end"])
@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_engagement_periods_refuse_implausible_years(world, field, value):
    url = f"/api/v1/engagements/{world.engagement.pk}/"
    payload = {"period_start": "1900-01-01", field: value}
    response = as_user(world, "team_leader").patch(url, payload, format="json")
    assert response.status_code == 400 and field in response.json()


def test_outsiders_read_engagement_history_numbered_from_one():
    world = build_world(EngagementStatus.PLANNING)
    leader = as_user(world, "team_leader")
    url = f"/api/v1/engagements/{world.engagement.pk}/"
    for title in ("Draft A", "Draft B"):
        assert leader.patch(url, {"title": title}, format="json").status_code == 200
    for status in ("fieldwork", "reporting"):
        leader.post(url + "transition/", {"to": status}, format="json")
    agency = as_user(world, "agency_respondent").get(url + "history/").json()
    assert [entry["version"] for entry in agency] == [2, 1]
    assert "Draft A" not in str(agency) and agency[-1]["user"] is None
    oversight = as_user(world, "oversight").get(url + "history/").json()
    assert [entry["version"] for entry in oversight] == [1]
    team = leader.get(url + "history/").json()
    assert len(team) > 4 and "Draft A" in str(team)


# --- notices -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"issued_on": "2000-01-01"}, "issued_on"),
        ({"received_on": "9999-12-31"}, "received_on"),
        ({"received_on": "0001-01-01"}, "received_on"),
    ],
)
def test_notice_dates_out_of_order_are_400_naming_the_field(world, finding, fields, field):
    response = create_notice(world, finding, **fields)
    assert response.status_code == 400 and field in response.json()
    assert not Sanction.objects.exists()


def test_a_notice_larger_than_its_finding_is_400(world, finding):
    response = create_notice(world, finding, amount="99999999999.00")
    assert response.status_code == 400 and "amount" in response.json()


def test_only_a_supervisor_corrects_received_on_and_the_clock_is_recomputed(world):
    finding = IssuedFindingFactory(
        engagement=world.engagement, issued_on=today() - datetime.timedelta(days=40)
    )
    issued = today() - datetime.timedelta(days=30)
    created = create_notice(
        world, finding, kind=SanctionKind.SUSPENSION, issued_on=issued.isoformat()
    ).json()
    url = f"/api/v1/sanctions/{created['id']}/"
    corrected = (issued + datetime.timedelta(days=3)).isoformat()
    body = {"received_on": corrected, "change_reason": "Registry stamp misread"}
    assert as_user(world, "team_auditor").patch(url, body, format="json").status_code == 403
    no_reason = as_user(world, "supervisor").patch(url, {"received_on": corrected}, format="json")
    assert no_reason.status_code == 400 and "change_reason" in no_reason.json()
    response = as_user(world, "supervisor").patch(url, body, format="json")
    assert response.status_code == 200
    assert response.json()["settle_by"] == (issued + datetime.timedelta(days=93)).isoformat()
    history = as_user(world, "agency_respondent").get(url + "history/").json()
    changes = {change["field"]: change for change in history[0]["changes"]}
    assert changes["received_on"]["old"] == issued.isoformat()
    assert changes["received_on"]["new"] == corrected


def test_settlement_basis_and_reason_are_in_the_representation(world, finding):
    created = create_notice(world, finding).json()
    assert created["settlement_basis"] == "" and created["settlement_reason"] == ""
    url = f"/api/v1/sanctions/{created['id']}/transition/"
    by_hand = as_user(world, "team_auditor").post(url, {"to": "settled"}, format="json")
    assert by_hand.status_code == 400 and "settlement_basis" in by_hand.json()
    payment = {"to": "settled", "settlement_basis": "payment"}
    assert as_user(world, "supervisor").post(url, payment, format="json").status_code == 409
    compliance = {"to": "settled", "settlement_basis": "compliance", "reason": "Docs"}
    response = as_user(world, "supervisor").post(url, compliance, format="json")
    assert response.status_code == 400 and "settlement_basis" in response.json()
    decision = {"to": "settled", "settlement_basis": "decision", "reason": "Lifted on appeal"}
    assert as_user(world, "team_auditor").post(url, decision, format="json").status_code == 403
    response = as_user(world, "supervisor").post(url, decision, format="json")
    assert response.status_code == 400 and "decision_reference" in response.json()
    decision["decision_reference"] = "LAO-D 2026-014"
    response = as_user(world, "supervisor").post(url, decision, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["settlement_basis"], body["settlement_reason"]) == (
        "settled",
        "decision",
        "Lifted on appeal",
    )
    assert body["settlement_decision_reference"] == "LAO-D 2026-014"


def test_full_payment_settles_with_basis_payment(world, finding):
    created = create_notice(world, finding, amount="500.00").json()
    url = f"/api/v1/sanctions/{created['id']}/"
    payment = {"paid_on": today().isoformat(), "amount": "500.00", "receipt_reference": "OR-1"}
    assert as_user(world, "team_auditor").post(url + "payments/", payment).status_code == 201
    body = as_user(world, "agency_respondent").get(url).json()
    assert (body["status"], body["settlement_basis"]) == ("settled", "payment")


# --- payments ----------------------------------------------------------------------------


def test_payments_dated_outside_the_notice_and_today_are_400(world, finding):
    created = create_notice(world, finding).json()
    url = f"/api/v1/sanctions/{created['id']}/payments/"
    for paid_on in (
        (today() - datetime.timedelta(days=1)).isoformat(),
        (today() + datetime.timedelta(days=1)).isoformat(),
        "0001-01-01",
    ):
        payment = {"paid_on": paid_on, "amount": "10.00", "receipt_reference": "OR-1"}
        response = as_user(world, "team_auditor").post(url, payment, format="json")
        assert response.status_code == 400 and "paid_on" in response.json()
    assert not SanctionPayment.objects.exists()


def test_receipts_once_per_notice_and_shared_only_when_confirmed(world, finding):
    first = create_notice(world, finding).json()
    second = create_notice(world, finding).json()
    auditor = as_user(world, "team_auditor")
    payment = {"paid_on": today().isoformat(), "amount": "10.00", "receipt_reference": "OR-9"}
    first_url = f"/api/v1/sanctions/{first['id']}/payments/"
    second_url = f"/api/v1/sanctions/{second['id']}/payments/"
    assert auditor.post(first_url, payment, format="json").status_code == 201
    twice = auditor.post(first_url, payment, format="json")
    assert twice.status_code == 400 and "receipt_reference" in twice.json()
    unconfirmed = auditor.post(second_url, payment, format="json")
    assert unconfirmed.status_code == 400 and "receipt_reference" in unconfirmed.json()
    confirmed = auditor.post(second_url, {**payment, "confirm_shared_receipt": True}, format="json")
    assert confirmed.status_code == 201
    assert "confirm_shared_receipt" not in confirmed.json()


# --- findings ----------------------------------------------------------------------------


def test_an_incomplete_finding_is_a_409_listing_what_is_missing(world):
    leader = as_user(world, "team_leader")
    created = leader.post(
        "/api/v1/findings/",
        {"engagement": world.engagement.pk, "title": "Short", "condition": "Seen"},
        format="json",
    ).json()
    response = leader.post(
        f"/api/v1/findings/{created['id']}/transition/", {"to": "for_review"}, format="json"
    )
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert all(word in detail for word in ("criteria", "cause", "effect", "recommendation"))
    assert "condition" not in detail


def test_narrative_over_the_limit_is_400_saying_the_limit(world):
    response = as_user(world, "team_leader").post(
        "/api/v1/findings/",
        {"engagement": world.engagement.pk, "title": "T", "condition": "x" * 20_001},
        format="json",
    )
    assert response.status_code == 400 and "20000" in str(response.json()["condition"])
    response = as_user(world, "team_leader").post(
        "/api/v1/findings/",
        {"engagement": world.engagement.pk, "title": "T" * 300},
        format="json",
    )
    assert response.status_code == 400 and "title" in response.json()


def test_a_target_date_before_the_finding_is_400(world):
    finding = make_finding(world)
    response = as_user(world, "team_leader").post(
        "/api/v1/recommendations/",
        {
            "finding": finding.pk,
            "text": "Recover it.",
            "target_date": (today() - datetime.timedelta(days=1)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400 and "target_date" in response.json()


# --- evidence ----------------------------------------------------------------------------


def _file(client, world, content=b"Notes of the site visit\n", **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    payload = {
        "engagement": world.engagement.pk,
        "kind": "inspection",
        "file": SimpleUploadedFile("notes.txt", content, content_type="text/plain"),
        **fields,
    }
    return client.post("/api/v1/evidence/", payload, format="multipart")


def test_the_same_bytes_twice_answer_409_with_the_existing_item(world):
    cso = as_user(world, "team_cso")
    first = _file(cso, world).json()
    again = _file(as_user(world, "team_auditor"), world)
    assert again.status_code == 409
    body = again.json()
    assert body["id"] == first["id"] and body["sha256"] == first["sha256"]
    assert body["url"].endswith(f"/api/v1/evidence/{first['id']}/")
    assert f"#{first['id']}" in body["detail"]
    assert Evidence.objects.count() == 1


def test_a_retry_with_the_same_client_reference_returns_the_first_item(world):
    cso = as_user(world, "team_cso")
    first = _file(cso, world, client_reference="phone-1")
    retry = _file(cso, world, client_reference="phone-1")
    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json()["id"] == first.json()["id"]


def test_capture_times_refuse_implausible_years(world):
    response = _file(as_user(world, "team_cso"), world, captured_at="0001-01-01T00:00:00Z")
    assert response.status_code == 400 and "captured_at" in response.json()
