"""The sanction ledger page: who sees it, payments and moves through the services, errors shown."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from audits.choices import FindingStatus, SanctionKind, SanctionStatus
from audits.deadlines import add_months
from audits.models import PersonLiable, Sanction, SanctionPayment
from audits.services.findings import finding_create
from audits.services.sanctions import payment_record, sanction_create
from tests.factories import IssuedFindingFactory
from tests.findings_setup import make_finding
from tests.world import build_world

SEES = [
    "sai_admin",
    "supervisor",
    "team_leader",
    "team_auditor",
    "team_cso",
    "granted_expert",
    "agency_respondent",
    "parent_agency_respondent",
]
NEVER_SEES = [
    "outsider_auditor",
    "outsider_cso",
    "other_agency_respondent",
    "lapsed_cso",
    "oversight",
]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def finding(world):
    return make_finding(world, FindingStatus.ISSUED, title="Overpriced cement")


def issue_sanction(world, finding, kind=SanctionKind.DISALLOWANCE, **fields):
    fields.setdefault("reference", "ND-2026-0001")
    fields.setdefault("amount", Decimal("100000.00"))
    fields.setdefault(
        "liabilities",
        [
            {"name": "Juan dela Cruz", "position": "District engineer", "share_percent": "60"},
            {"name": "Maria Santos", "position": "Accountant", "share_percent": "40"},
        ],
    )
    return sanction_create(by=world.users["team_auditor"], finding=finding, kind=kind, **fields)


@pytest.mark.parametrize("name", SEES)
def test_who_sees_the_ledger(client, world, finding, name):
    sanction = issue_sanction(world, finding)
    client.force_login(world.users[name])
    page = client.get(reverse("sanction-detail", args=[sanction.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "ND-2026-0001" in html
    assert "Juan dela Cruz" in html and "60,000.00" in html  # the person's share
    assert "days left" in html  # appeal_by, counted from today's receipt


@pytest.mark.parametrize("name", NEVER_SEES)
def test_others_get_404(client, world, finding, name):
    sanction = issue_sanction(world, finding)
    client.force_login(world.users[name])
    for url_name in ("sanction-detail", "sanction-history"):
        assert client.get(reverse(url_name, args=[sanction.pk])).status_code == 404
    response = client.post(
        reverse("sanction-payment", args=[sanction.pk]),
        {"paid_on": "2026-01-05", "amount": "10", "receipt_reference": "OR-1"},
    )
    assert response.status_code == 404
    assert not SanctionPayment.objects.exists()


def test_appeal_deadline_shows_days_left(client, world, finding):
    today = timezone.localdate()
    sanction = issue_sanction(world, finding, received_on=today)
    client.force_login(world.users["agency_respondent"])
    html = client.get(reverse("sanction-detail", args=[sanction.pk])).content.decode()
    days = (sanction.appeal_by - today).days
    assert f"{days} days left" in html


def test_ledger_shows_running_balance(client, world, finding):
    sanction = issue_sanction(world, finding)
    today = timezone.localdate()
    payment_record(
        sanction,
        by=world.users["team_auditor"],
        paid_on=today,
        amount=Decimal("30000.00"),
        receipt_reference="OR-1",
    )
    payment_record(
        sanction,
        by=world.users["team_auditor"],
        paid_on=today,
        amount=Decimal("25000.00"),
        receipt_reference="OR-2",
    )
    client.force_login(world.users["agency_respondent"])
    page = client.get(reverse("sanction-detail", args=[sanction.pk]))
    balances = [row["balance"] for row in page.context["ledger"]]
    assert balances == [Decimal("70000.00"), Decimal("45000.00")]
    assert page.context["amount_settled"] == Decimal("55000.00")
    assert 'id="payment-form"' not in page.content.decode()


def test_team_auditor_records_a_payment(client, world, finding):
    sanction = issue_sanction(world, finding)
    client.force_login(world.users["team_auditor"])
    url = reverse("sanction-detail", args=[sanction.pk])
    assert 'id="payment-form"' in client.get(url).content.decode()
    response = client.post(
        reverse("sanction-payment", args=[sanction.pk]),
        {
            "paid_on": timezone.localdate().isoformat(),
            "amount": "40000.00",
            "receipt_reference": "OR-77",
        },
    )
    assert response.status_code == 302
    payment = SanctionPayment.objects.get()
    assert payment.amount == Decimal("40000.00")
    assert payment.recorded_by == world.users["team_auditor"]


def test_full_payment_settles_the_sanction(client, world, finding):
    sanction = issue_sanction(world, finding)
    client.force_login(world.users["team_auditor"])
    client.post(
        reverse("sanction-payment", args=[sanction.pk]),
        {
            "paid_on": timezone.localdate().isoformat(),
            "amount": "100000.00",
            "receipt_reference": "OR-78",
        },
    )
    sanction.refresh_from_db()
    assert sanction.status == SanctionStatus.SETTLED
    page = client.get(reverse("sanction-detail", args=[sanction.pk]))
    assert page.context["payment_form"] is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"amount": "100000.01"}, "amount"),
        ({"amount": "-3"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"paid_on": "2999-01-01"}, "paid_on"),
        ({"paid_on": "not a date"}, "paid_on"),
        ({"receipt_reference": ""}, "receipt_reference"),
    ],
)
def test_bad_payments_are_shown_and_change_nothing(client, world, finding, data, field):
    sanction = issue_sanction(world, finding)
    client.force_login(world.users["team_auditor"])
    form = {
        "paid_on": timezone.localdate().isoformat(),
        "amount": "10.00",
        "receipt_reference": "OR-9",
        **data,
    }
    response = client.post(reverse("sanction-payment", args=[sanction.pk]), form)
    assert response.status_code == 400
    assert field in response.context["payment_form"].errors
    assert not SanctionPayment.objects.exists()


def test_agency_may_not_record_a_payment(client, world, finding):
    sanction = issue_sanction(world, finding)
    client.force_login(world.users["agency_respondent"])
    response = client.post(
        reverse("sanction-payment", args=[sanction.pk]),
        {
            "paid_on": timezone.localdate().isoformat(),
            "amount": "10.00",
            "receipt_reference": "OR-9",
        },
    )
    assert response.status_code == 400
    assert "Only the team" in response.content.decode()
    assert not SanctionPayment.objects.exists()


def test_agency_appeals_with_a_reason(client, world, finding):
    sanction = issue_sanction(world, finding)
    client.force_login(world.users["agency_respondent"])
    url = reverse("sanction-detail", args=[sanction.pk])
    assert 'data-move="appealed"' in client.get(url).content.decode()
    transition = reverse("sanction-transition", args=[sanction.pk])
    response = client.post(transition, {"to": "appealed", "reason": ""}, follow=True)
    assert "A reason is required" in response.content.decode()
    sanction.refresh_from_db()
    assert sanction.status == SanctionStatus.ISSUED
    client.post(transition, {"to": "appealed", "reason": "The price was the market price"})
    sanction.refresh_from_db()
    assert sanction.status == SanctionStatus.APPEALED


def test_team_auditor_cannot_appeal_and_sees_no_appeal_button(client, world, finding):
    sanction = issue_sanction(world, finding)
    client.force_login(world.users["team_auditor"])
    html = client.get(reverse("sanction-detail", args=[sanction.pk])).content.decode()
    assert 'data-move="appealed"' not in html
    response = client.post(
        reverse("sanction-transition", args=[sanction.pk]),
        {"to": "appealed", "reason": "x"},
        follow=True,
    )
    assert "Your role may not make this change of status." in response.content.decode()


def test_suspension_cannot_be_appealed(client, world, finding):
    sanction = issue_sanction(world, finding, kind=SanctionKind.SUSPENSION, reference="NS-1")
    client.force_login(world.users["agency_respondent"])
    response = client.post(
        reverse("sanction-transition", args=[sanction.pk]),
        {"to": "appealed", "reason": "x"},
        follow=True,
    )
    assert "cannot be appealed" in response.content.decode()


def test_matured_suspension_links_both_ways(client, world, finding):
    long_ago = timezone.localdate() - datetime.timedelta(days=120)
    # A finding issued long ago, so its notice's settlement period is over.
    older = IssuedFindingFactory(engagement=world.engagement, issued_on=long_ago)
    suspension = issue_sanction(
        world,
        older,
        kind=SanctionKind.SUSPENSION,
        reference="NS-2",
        issued_on=long_ago,
        received_on=long_ago,
    )
    client.force_login(world.users["team_auditor"])
    client.post(
        reverse("sanction-transition", args=[suspension.pk]), {"to": "matured", "confirmed": "1"}
    )
    suspension.refresh_from_db()
    assert suspension.status == SanctionStatus.MATURED
    disallowance = suspension.matured_into
    html = client.get(reverse("sanction-detail", args=[suspension.pk])).content.decode()
    assert reverse("sanction-detail", args=[disallowance.pk]) in html
    html = client.get(reverse("sanction-detail", args=[disallowance.pk])).content.decode()
    assert reverse("sanction-detail", args=[suspension.pk]) in html


def test_engagement_page_shows_sanction_totals(client, world, finding):
    sanction = issue_sanction(world, finding)
    payment_record(
        sanction,
        by=world.users["team_auditor"],
        paid_on=timezone.localdate(),
        amount=Decimal("30000.00"),
        receipt_reference="OR-1",
    )
    client.force_login(world.users["team_leader"])
    html = client.get(reverse("engagement-detail", args=[world.engagement.pk])).content.decode()
    assert "100,000.00" in html and "30,000.00" in html and "70,000.00" in html


def test_sanction_history_page(client, world, finding):
    sanction = issue_sanction(world, finding)
    client.force_login(world.users["agency_respondent"])
    client.post(
        reverse("sanction-transition", args=[sanction.pk]),
        {"to": "appealed", "reason": "Market price"},
    )
    page = client.get(reverse("sanction-history", args=[sanction.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Market price" in html
    assert "<ins>Appealed</ins>" in html


def test_agency_inbox_lists_the_appeal_deadline(client, world, finding):
    sanction = issue_sanction(world, finding, received_on=timezone.localdate())
    client.force_login(world.users["agency_respondent"])
    html = client.get(reverse("home")).content.decode()
    assert sanction.reference in html
    assert "appeal by" in html


def test_ledger_query_count_does_not_grow_with_payments(
    client, world, finding, django_assert_max_num_queries
):
    sanction = issue_sanction(world, finding)
    client.force_login(world.users["team_auditor"])
    url = reverse("sanction-detail", args=[sanction.pk])
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for number in range(10):
        payment_record(
            sanction,
            by=world.users["team_auditor"],
            paid_on=timezone.localdate(),
            amount=Decimal("100.00"),
            receipt_reference=f"OR-{number}",
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


# Issuing a notice from the finding page


def notice(**fields):
    return {
        "kind": SanctionKind.DISALLOWANCE,
        "reference": "ND-2026-0100",
        "amount": "90000.00",
        "received_on": "",
        "liabilities": "Juan dela Cruz\nMaria Santos | Accountant\nPedro Reyes",
        **fields,
    }


def test_team_auditor_issues_a_notice(client, world, finding):
    client.force_login(world.users["team_auditor"])
    page = client.get(reverse("finding-detail", args=[finding.pk]))
    assert 'id="sanction-form"' in page.content.decode()
    response = client.post(reverse("sanction-add", args=[finding.pk]), notice())
    sanction = Sanction.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("sanction-detail", args=[sanction.pk])
    today = timezone.localdate()
    assert sanction.issued_by == world.users["team_auditor"]
    assert sanction.received_on == today
    assert sanction.appeal_by == add_months(today, 6) and sanction.settle_by is None
    people = [(p.name, p.position, p.share_percent) for p in sanction.liabilities.all()]
    assert people == [
        ("Juan dela Cruz", "", Decimal("33.33")),
        ("Maria Santos", "Accountant", Decimal("33.33")),
        ("Pedro Reyes", "", Decimal("33.34")),
    ]


def test_team_leader_issues_a_suspension_with_shares(client, world, finding):
    client.force_login(world.users["team_leader"])
    received = timezone.localdate()
    client.post(
        reverse("sanction-add", args=[finding.pk]),
        notice(
            kind=SanctionKind.SUSPENSION,
            reference="NS-2026-0100",
            received_on=received.isoformat(),
            liabilities="Juan dela Cruz | District engineer | 70%\nMaria Santos | | 30",
        ),
    )
    sanction = Sanction.objects.get()
    assert sanction.settle_by == received + datetime.timedelta(days=90)
    assert sanction.appeal_by is None
    shares = {p.name: p.share_percent for p in sanction.liabilities.all()}
    assert shares == {"Juan dela Cruz": Decimal("70"), "Maria Santos": Decimal("30")}


@pytest.mark.parametrize("name", ["team_cso", "agency_respondent", "supervisor", "granted_expert"])
def test_others_who_see_the_finding_get_no_form_and_403(client, world, finding, name):
    client.force_login(world.users[name])
    page = client.get(reverse("finding-detail", args=[finding.pk]))
    assert page.status_code == 200
    assert 'id="sanction-form"' not in page.content.decode()
    response = client.post(reverse("sanction-add", args=[finding.pk]), notice())
    assert response.status_code == 403
    assert not Sanction.objects.exists()


@pytest.mark.parametrize("name", ["oversight", "outsider_auditor", "outsider_cso"])
def test_those_who_cannot_see_the_finding_get_404(client, world, finding, name):
    client.force_login(world.users[name])
    assert client.get(reverse("finding-detail", args=[finding.pk])).status_code == 404
    response = client.post(reverse("sanction-add", args=[finding.pk]), notice())
    assert response.status_code == 404
    assert not Sanction.objects.exists()


def test_draft_finding_is_refused_with_a_message(client, world):
    draft = finding_create(
        by=world.users["team_leader"], engagement=world.engagement, title="Ghost deliveries"
    )
    client.force_login(world.users["team_auditor"])
    page = client.get(reverse("finding-detail", args=[draft.pk]))
    assert 'id="sanction-form"' not in page.content.decode()
    response = client.post(reverse("sanction-add", args=[draft.pk]), notice())
    assert response.status_code == 400
    assert "only on a finding that has been issued" in response.content.decode()
    assert not Sanction.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"amount": "abc"}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "1" * 40}, "amount"),
        ({"kind": "notice_of_praise"}, "kind"),
        ({"reference": ""}, "reference"),
        ({"received_on": "2000-01-01"}, "received_on"),
        ({"received_on": "not a date"}, "received_on"),
        ({"liabilities": ""}, "liabilities"),
        ({"liabilities": "Juan | Engineer | 60%\nMaria"}, "liabilities"),
        ({"liabilities": "Juan | Engineer | 60%\nMaria | | 30%"}, "liabilities"),
        ({"liabilities": "Juan | Engineer | lots"}, "liabilities"),
        ({"liabilities": "Juan | Engineer | NaN"}, "liabilities"),
        ({"liabilities": "Juan | Engineer | 1e9999"}, "liabilities"),
        ({"liabilities": "a | b | 50 | extra"}, "liabilities"),
        ({"liabilities": "x" * 201}, "liabilities"),
    ],
)
def test_bad_notices_are_shown_and_save_nothing(client, world, finding, data, field):
    client.force_login(world.users["team_auditor"])
    response = client.post(reverse("sanction-add", args=[finding.pk]), notice(**data))
    assert response.status_code == 400
    assert field in response.context["sanction_form"].errors
    assert 'id="sanction-form"' in response.content.decode()
    assert not Sanction.objects.exists()
    assert not PersonLiable.objects.exists()


def test_duplicate_reference_is_shown_on_the_form(client, world, finding):
    issue_sanction(world, finding, reference="ND-2026-0100")
    client.force_login(world.users["team_auditor"])
    response = client.post(reverse("sanction-add", args=[finding.pk]), notice())
    assert response.status_code == 400
    assert "reference" in response.context["sanction_form"].errors
    assert Sanction.objects.count() == 1
