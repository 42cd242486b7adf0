import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from audits.choices import EngagementStatus, SanctionKind, SanctionStatus
from audits.models import Finding, PersonLiable, Sanction, SanctionPayment
from tests.api.matrix import EndpointMatrix
from tests.conftest import client_for
from tests.factories import IssuedFindingFactory, SanctionFactory
from tests.world import ACTORS, build_world

URL = "/api/v1/sanctions/"
SAI_AND_TEAM = {
    "sai_admin",
    "supervisor",
    "team_leader",
    "team_auditor",
    "team_cso",
    "granted_expert",
}
AGENCY = {"agency_respondent", "parent_agency_respondent"}
VISIBLE = SAI_AND_TEAM | AGENCY | {"oversight"}
WRITERS = {"team_leader": 200, "team_auditor": 200, "supervisor": 200}
CONTRACT_FIELDS = {
    "id",
    "finding",
    "kind",
    "reference",
    "amount",
    "persons_liable",
    "issued_on",
    "received_on",
    "status",
    "settle_by",
    "appeal_by",
    "amount_settled",
}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def today():
    return timezone.localdate()


def days_ago(days):
    return today() - datetime.timedelta(days=days)


def sanction_in(world, **fields):
    finding = IssuedFindingFactory(engagement=world.engagement)
    sanction = SanctionFactory(finding=finding, **{"issued_on": today(), **fields})
    PersonLiable.objects.create(sanction=sanction, name="Engr. A. Cruz", share_percent=100)
    return sanction


class TestSanctionMatrix(EndpointMatrix):
    """An issued disallowance, received today: the agency may appeal it."""

    list_url = URL
    status = EngagementStatus.REPORTING
    visible = VISIBLE
    create = {"team_leader": 201, "team_auditor": 201, "outsider_auditor": 400}
    update = WRITERS
    transition = ("appealed", {"agency_respondent": 200, "parent_agency_respondent": 200})

    def subject(self, world):
        return sanction_in(world)

    def create_payload(self, world):
        finding = Finding.objects.filter(engagement=world.engagement).first()
        return {
            "finding": finding.pk,
            "kind": "notice_of_charge",
            "reference": "NC-NEW-1",
            "amount": "2500.00",
            "persons_liable": ["Collecting officer"],
        }

    def update_payload(self, world, obj):
        return {"reference": "ND-CORRECTED", "change_reason": "Typo in the reference"}


class TransitionOnly(EndpointMatrix):
    """The other moves: only `test_transition` is new, the reads are covered above."""

    list_url = URL
    status = EngagementStatus.REPORTING
    visible = VISIBLE
    test_list = test_retrieve = test_history = test_create = test_update = test_delete = None


class TestSettleIssued(TransitionOnly):
    """A suspension settled on compliance, by hand: a supervisor of the SAI only (issue 11);
    the team's auditors record payments and full payment settles it."""

    transition = ("settled", {"supervisor": 200})
    transition_extra = {"settlement_basis": "compliance"}

    def subject(self, world):
        return sanction_in(world, kind=SanctionKind.SUSPENSION)


class TestMatureSuspension(TransitionOnly):
    transition = ("matured", WRITERS)

    def subject(self, world):
        return sanction_in(world, kind=SanctionKind.SUSPENSION, issued_on=days_ago(91))


class TestFinaliseUnappealed(TransitionOnly):
    transition = ("final", WRITERS)

    def subject(self, world):
        return sanction_in(world, issued_on=days_ago(200))


class TestGrantAppeal(TransitionOnly):
    transition = ("appeal_granted", WRITERS)

    def subject(self, world):
        return sanction_in(world, status=SanctionStatus.APPEALED)


class TestDenyAppeal(TransitionOnly):
    transition = ("final", WRITERS)

    def subject(self, world):
        return sanction_in(world, status=SanctionStatus.APPEALED)


class TestOrderExecution(TransitionOnly):
    transition = ("execution_ordered", WRITERS)

    def subject(self, world):
        return sanction_in(world, status=SanctionStatus.FINAL)


class TestSettleFinal(TransitionOnly):
    """A final disallowance with its balance unpaid: settled by hand only on a decision."""

    transition = ("settled", {"supervisor": 200})
    transition_extra = {"settlement_basis": "decision", "decision_reference": "LAO-D 1"}

    def subject(self, world):
        return sanction_in(world, status=SanctionStatus.FINAL)


class TestSettleAfterExecution(TransitionOnly):
    transition = ("settled", {"supervisor": 200})
    transition_extra = {"settlement_basis": "decision", "decision_reference": "LAO-D 1"}

    def subject(self, world):
        return sanction_in(world, status=SanctionStatus.EXECUTION_ORDERED)


# --- payments, per role --------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_payments_per_role(actor):
    world = build_world(status=EngagementStatus.FOLLOW_UP)
    sanction = sanction_in(world)
    client = client_for(world.actor(actor))
    url = f"{URL}{sanction.pk}/payments/"
    payment = {"paid_on": today().isoformat(), "amount": "1000.00", "receipt_reference": "OR-9"}
    posted = client.post(url, payment)
    listed = client.get(url)
    if actor == "anonymous":
        assert (posted.status_code, listed.status_code) == (401, 401)
    elif actor not in VISIBLE:
        assert (posted.status_code, listed.status_code) == (404, 404)
    elif actor in WRITERS:
        assert posted.status_code == 201, posted.content
        assert listed.json()[0]["amount"] == "1000.00"
    else:
        assert (posted.status_code, listed.status_code) == (403, 200)
    assert SanctionPayment.objects.exists() == (actor in WRITERS)


# --- behaviour ------------------------------------------------------------------------------


@pytest.fixture
def world(db):
    return build_world(status=EngagementStatus.FOLLOW_UP)


@pytest.fixture
def leader(world):
    return client_for(world.users["team_leader"])


def test_create_has_the_contract_fields_and_computed_deadlines(world, leader):
    finding = IssuedFindingFactory(engagement=world.engagement)
    response = leader.post(
        URL,
        {
            "finding": finding.pk,
            "kind": "notice_of_suspension",
            "reference": "NS-2026-001",
            "amount": "1250000.00",
            "persons_liable": ["A. Cruz", "B. Santos", "C. Reyes"],
            "issued_on": "2026-03-02",  # the day its finding was issued
            "received_on": "2026-03-05",
            "status": "settled",  # never writable
            "settle_by": "2030-01-01",  # computed by the server
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) >= CONTRACT_FIELDS
    assert body["status"] == "issued"
    assert body["settle_by"] == "2026-06-03"
    assert body["appeal_by"] is None
    assert body["amount"] == "1250000.00"
    assert body["amount_settled"] == "0.00"
    assert body["balance"] == "1250000.00"
    assert body["persons_liable"] == ["A. Cruz", "B. Santos", "C. Reyes"]
    assert [p["share_percent"] for p in body["liabilities"]] == ["33.33", "33.33", "33.34"]
    assert body["engagement"] == world.engagement.pk
    assert body["matured_from"] is None and body["matured_into"] is None
    assert response.headers["ETag"]


def test_received_on_defaults_to_issued_on(world, leader):
    finding = IssuedFindingFactory(engagement=world.engagement)
    body = leader.post(
        URL,
        {
            "finding": finding.pk,
            "kind": "notice_of_disallowance",
            "reference": "ND-1",
            "amount": "10.00",
            "liabilities": [{"name": "A", "position": "Mayor", "share_percent": "100"}],
            "issued_on": "2026-08-31",
        },
    ).json()
    assert body["received_on"] == "2026-08-31"
    assert body["appeal_by"] == "2027-02-28"
    assert body["liabilities"] == [{"name": "A", "position": "Mayor", "share_percent": "100.00"}]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"persons_liable": []}, "persons_liable"),
        ({"persons_liable": None}, "persons_liable"),
        ({"liabilities": [{"name": "A", "share_percent": "50"}]}, "liabilities"),
        ({"liabilities": [{"name": "A", "share_percent": "100"}]}, "liabilities"),  # both
        ({"received_on": "2026-01-01", "issued_on": "2026-01-02"}, "received_on"),
        ({"amount": "-1"}, "amount"),
        ({"amount": "lots"}, "amount"),
        ({"kind": "notice_of_praise"}, "kind"),
        ({"finding": 999999}, "finding"),
        ({"issued_on": "2026-02-30"}, "issued_on"),
    ],
)
def test_bad_input_is_400_and_nothing_is_saved(world, leader, change, field):
    finding = IssuedFindingFactory(engagement=world.engagement)
    payload = {
        "finding": finding.pk,
        "kind": "notice_of_charge",
        "reference": "NC-1",
        "amount": "10.00",
        "persons_liable": ["A"],
    }
    payload.update(change)
    if change.get("persons_liable") is None and "persons_liable" in change:
        del payload["persons_liable"]
    response = leader.post(URL, payload)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Sanction.objects.exists() and not PersonLiable.objects.exists()


def test_a_finding_of_another_engagement_is_unknown(world, leader):
    hidden = IssuedFindingFactory(engagement=world.other_engagement)
    response = leader.post(
        URL,
        {
            "finding": hidden.pk,
            "kind": "notice_of_charge",
            "reference": "NC-1",
            "amount": "10.00",
            "persons_liable": ["A"],
        },
    )
    assert response.status_code == 400
    assert "finding" in response.json()


def test_a_draft_finding_takes_no_sanction(world, leader):
    draft = IssuedFindingFactory(engagement=world.engagement, status="draft")
    response = leader.post(
        URL,
        {
            "finding": draft.pk,
            "kind": "notice_of_charge",
            "reference": "NC-1",
            "amount": "10.00",
            "persons_liable": ["A"],
        },
    )
    assert response.status_code == 409
    assert not Sanction.objects.exists()


def test_duplicate_reference_is_400(world, leader):
    existing = sanction_in(world)
    response = leader.post(
        URL,
        {
            "finding": existing.finding_id,
            "kind": "notice_of_charge",
            "reference": existing.reference,
            "amount": "10.00",
            "persons_liable": ["A"],
        },
    )
    assert response.status_code == 400
    assert "reference" in response.json()


def test_appeal_after_appeal_by_is_409(world):
    sanction = sanction_in(world, issued_on=days_ago(200))
    client = client_for(world.users["agency_respondent"])
    response = client.post(f"{URL}{sanction.pk}/transition/", {"to": "appealed", "reason": "x"})
    assert response.status_code == 409
    sanction.refresh_from_db()
    assert sanction.status == SanctionStatus.ISSUED


def test_appeal_needs_a_reason(world):
    sanction = sanction_in(world)
    client = client_for(world.users["agency_respondent"])
    response = client.post(f"{URL}{sanction.pk}/transition/", {"to": "appealed"})
    assert response.status_code == 400
    assert "reason" in response.json()


@pytest.mark.parametrize(
    ("status", "target"),
    [
        ("issued", "appeal_granted"),
        ("issued", "execution_ordered"),
        ("settled", "issued"),
        ("appealed", "settled"),
        ("final", "appealed"),
        ("matured", "settled"),
        ("issued", "nonsense"),
    ],
)
def test_moves_not_in_the_table_are_409(world, leader, status, target):
    sanction = sanction_in(world, status=status)
    response = leader.post(f"{URL}{sanction.pk}/transition/", {"to": target, "reason": "x"})
    assert response.status_code == 409
    sanction.refresh_from_db()
    assert sanction.status == status


def test_too_early_to_mature_or_finalise_is_409(world, leader):
    suspension = sanction_in(world, kind=SanctionKind.SUSPENSION, issued_on=days_ago(90))
    disallowance = sanction_in(world, issued_on=days_ago(30))
    assert leader.post(f"{URL}{suspension.pk}/transition/", {"to": "matured"}).status_code == 409
    assert leader.post(f"{URL}{disallowance.pk}/transition/", {"to": "final"}).status_code == 409


def test_maturing_by_hand_issues_the_disallowance(world, leader):
    suspension = sanction_in(
        world, kind=SanctionKind.SUSPENSION, reference="NS-7", issued_on=days_ago(91)
    )
    response = leader.post(f"{URL}{suspension.pk}/transition/", {"to": "matured"})
    assert response.status_code == 200, response.json()
    replacement = Sanction.objects.get(matured_from=suspension)
    assert response.json()["matured_into"] == replacement.pk
    body = leader.get(f"{URL}{replacement.pk}/").json()
    assert body["reference"] == "NS-7-ND"
    assert body["kind"] == "notice_of_disallowance"
    assert body["matured_from"] == suspension.pk
    assert body["persons_liable"] == ["Engr. A. Cruz"]
    history = leader.get(f"{URL}{suspension.pk}/history/").json()
    assert history[0]["changes"] == [{"field": "status", "old": "issued", "new": "matured"}]
    listed = {row["id"]: row for row in leader.get(URL).json()["results"]}  # the list agrees
    assert listed[suspension.pk]["matured_into"] == replacement.pk
    assert listed[replacement.pk]["persons_liable"] == ["Engr. A. Cruz"]
    assert listed[replacement.pk]["liabilities"] == body["liabilities"]


def test_payment_above_balance_is_400_and_nothing_saved(world, leader):
    sanction = sanction_in(world, amount="1000.00")
    url = f"{URL}{sanction.pk}/payments/"
    first = {"paid_on": today().isoformat(), "amount": "400.00", "receipt_reference": "OR-1"}
    assert leader.post(url, first).status_code == 201
    too_much = {"paid_on": today().isoformat(), "amount": "600.01", "receipt_reference": "OR-2"}
    response = leader.post(url, too_much)
    assert response.status_code == 400
    assert "amount" in response.json()
    assert SanctionPayment.objects.count() == 1
    body = leader.get(f"{URL}{sanction.pk}/").json()
    assert (body["amount_settled"], body["balance"], body["status"]) == (
        "400.00",
        "600.00",
        "issued",
    )


@pytest.mark.parametrize(
    "payment",
    [
        {"paid_on": "yesterday", "amount": "1", "receipt_reference": "R"},
        {"paid_on": "2026-01-01", "amount": "0", "receipt_reference": "R"},
        {"paid_on": "2026-01-01", "amount": "1"},
        {},
    ],
)
def test_bad_payments_are_400(world, leader, payment):
    sanction = sanction_in(world)
    assert leader.post(f"{URL}{sanction.pk}/payments/", payment).status_code == 400
    assert not SanctionPayment.objects.exists()


def test_full_payment_settles(world, leader):
    sanction = sanction_in(world, amount="1000.00")
    url = f"{URL}{sanction.pk}/payments/"
    payment = {"paid_on": today().isoformat(), "amount": "1000.00", "receipt_reference": "OR-1"}
    assert leader.post(url, payment).status_code == 201
    body = leader.get(f"{URL}{sanction.pk}/").json()
    assert (body["status"], body["amount_settled"], body["balance"]) == (
        "settled",
        "1000.00",
        "0.00",
    )
    assert leader.post(url, payment).status_code == 409  # nothing left to pay on


def test_patch_corrects_receipt_and_ignores_status(world, leader):
    sanction = sanction_in(world, issued_on=datetime.date(2026, 8, 1))
    url = f"{URL}{sanction.pk}/"
    supervisor = client_for(world.users["supervisor"])  # who corrects a date of receipt
    etag = supervisor.get(url).headers["ETag"]
    response = supervisor.patch(
        url,
        {"received_on": "2026-08-31", "status": "settled", "change_reason": "Registry stamp"},
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200, response.json()
    assert response.json()["appeal_by"] == "2027-02-28"
    assert response.json()["status"] == "issued"
    stale = leader.patch(url, {"reference": "X", "change_reason": "y"}, HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert leader.patch(url, {"reference": "X"}).status_code == 400  # no reason given


def test_totals_per_engagement_and_agency_scoped_to_the_caller(world, leader):
    open_one = sanction_in(world, amount="1000.00")
    sanction_in(world, amount="500.00", status=SanctionStatus.APPEAL_GRANTED)
    url = f"{URL}{open_one.pk}/payments/"
    leader.post(url, {"paid_on": today().isoformat(), "amount": "250", "receipt_reference": "R"})
    hidden = SanctionFactory(
        finding=IssuedFindingFactory(engagement=world.other_engagement), amount="9999.00"
    )
    expected = {"issued": "1500.00", "settled": "250.00", "outstanding": "750.00"}
    engagement_totals = f"{URL}totals/?engagement={world.engagement.pk}"
    assert leader.get(engagement_totals).json() == expected
    assert leader.get(f"{URL}totals/?agency={world.agency.pk}").json() == expected
    department = world.agency.parent_id
    assert leader.get(f"{URL}totals/?agency={department}").json() == expected
    assert leader.get(f"{URL}totals/").json() == expected  # the other engagement is not theirs
    supervisor = client_for(world.users["supervisor"])
    assert supervisor.get(f"{URL}totals/").json()["issued"] == str(
        Decimal("1500.00") + Decimal(hidden.amount)
    )
    stranger = client_for(world.users["other_agency_respondent"])
    assert stranger.get(engagement_totals).status_code == 404
    assert stranger.get(f"{URL}totals/?agency={world.agency.pk}").json()["issued"] == "0.00"
    assert leader.get(f"{URL}totals/?engagement=abc").status_code == 400
    assert leader.get(f"{URL}totals/?agency=999999").status_code == 404
    assert client_for(None).get(f"{URL}totals/").status_code == 401


def test_list_query_count_does_not_grow(world, leader, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sanction_in(world)
    with CaptureQueriesContext(connection) as few:
        assert len(leader.get(URL).json()["results"]) == 1
    for _n in range(12):
        sanction_in(world, kind=SanctionKind.SUSPENSION)
    with django_assert_max_num_queries(len(few)):
        assert len(leader.get(URL).json()["results"]) == 13


def test_filters(world, leader):
    sanction_in(world, status=SanctionStatus.FINAL)
    sanction_in(world, kind=SanctionKind.SUSPENSION)
    assert len(leader.get(URL, {"status": "final"}).json()["results"]) == 1
    assert len(leader.get(URL, {"kind": "notice_of_suspension"}).json()["results"]) == 1
    assert leader.get(URL, {"status": "bogus"}).status_code == 400
