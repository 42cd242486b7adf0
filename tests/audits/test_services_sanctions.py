import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audits.choices import Role, SanctionKind, SanctionStatus, TeamRole
from audits.exceptions import Conflict, NotPermitted, TransitionNotAllowed
from audits.models import PersonLiable, Sanction, SanctionPayment
from audits.selectors.deadlines import (
    FINDING_REPLY,
    SANCTION_APPEAL,
    SANCTION_SETTLEMENT,
    awaiting_agency,
)
from audits.selectors.sanctions import sanction_totals, sanctions_with_balance
from audits.services.sanctions import (
    equal_shares,
    payment_record,
    sanction_create,
    sanction_transition,
    sanction_update,
)
from tests.factories import (
    AgencyFactory,
    IssuedFindingFactory,
    MemberFactory,
    SaiFactory,
    SanctionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
TWO_PEOPLE = [
    {"name": "Engr. A. Cruz", "position": "District Engineer", "share_percent": "60"},
    {"name": "B. Santos", "position": "Accountant", "share_percent": "40"},
]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def team():
    sai = SaiFactory()
    finding = IssuedFindingFactory(engagement__sai=sai)
    people = {
        "leader": UserFactory(role=Role.AUDITOR, organization=sai),
        "auditor": UserFactory(role=Role.AUDITOR, organization=sai),
        "cso": UserFactory(role=Role.CSO_AUDITOR),
        "supervisor": UserFactory(role=Role.SUPERVISOR, organization=sai),
        "respondent": UserFactory(
            role=Role.AGENCY_RESPONDENT, organization=finding.engagement.auditee
        ),
    }
    for name, team_role in [
        ("leader", TeamRole.TEAM_LEADER),
        ("auditor", TeamRole.AUDITOR),
        ("cso", TeamRole.CSO_AUDITOR),
    ]:
        MemberFactory(engagement=finding.engagement, user=people[name], role=team_role)
    people["finding"] = finding
    return people


def issue(team, *, by="leader", kind=SanctionKind.DISALLOWANCE, **overrides):
    fields = {
        "finding": team["finding"],
        "kind": kind,
        "reference": "ND-2026-001",
        "amount": Decimal("100000.00"),
        "liabilities": TWO_PEOPLE,
    }
    fields.update(overrides)
    return sanction_create(by=team[by], **fields)


# --- issuing -------------------------------------------------------------------------------


def test_a_team_auditor_issues_a_sanction_with_its_clock_and_people(team):
    sanction = issue(team, by="auditor", issued_on=D(2026, 5, 4), received_on=D(2026, 5, 6))
    sanction.refresh_from_db()
    assert sanction.status == SanctionStatus.ISSUED
    assert sanction.engagement_id == team["finding"].engagement_id
    assert sanction.appeal_by == D(2026, 11, 6)
    assert sanction.settle_by is None
    assert [(p.name, p.share_percent) for p in sanction.liabilities.all()] == [
        ("Engr. A. Cruz", Decimal("60.00")),
        ("B. Santos", Decimal("40.00")),
    ]
    created = sanction.history.earliest()
    assert created.history_user == team["auditor"]
    assert created.history_change_reason == "Sanction issued"


def test_dates_default_to_today_and_receipt_to_issue(team):
    sanction = issue(team, kind=SanctionKind.SUSPENSION)
    today = timezone.localdate()
    assert sanction.issued_on == today == sanction.received_on
    assert sanction.settle_by == today + datetime.timedelta(days=90)
    assert sanction.appeal_by is None


@pytest.mark.parametrize("who", ["cso", "supervisor", "respondent"])
def test_only_team_auditors_issue(team, who):
    with pytest.raises(NotPermitted):
        issue(team, by=who)
    assert not Sanction.objects.exists()


@pytest.mark.parametrize("status", ["draft", "for_review", "closed"])
def test_only_on_an_issued_finding(team, status):
    team["finding"].status = status
    team["finding"].save()
    with pytest.raises(Conflict):
        issue(team)
    assert not Sanction.objects.exists()


def test_received_before_issued_is_refused(team):
    with pytest.raises(ValidationError) as error:
        issue(team, issued_on=D(2026, 5, 4), received_on=D(2026, 5, 3))
    assert "received_on" in error.value.message_dict


@pytest.mark.parametrize(
    "liabilities",
    [
        [],
        [{"name": "A", "share_percent": "60"}, {"name": "B", "share_percent": "30"}],
        [{"name": "A", "share_percent": "120"}, {"name": "B", "share_percent": "-20"}],
        [{"name": "", "share_percent": "100"}],
        [{"name": "A", "share_percent": "lots"}],
    ],
)
def test_persons_liable_must_share_exactly_100_percent(team, liabilities):
    with pytest.raises(ValidationError) as error:
        issue(team, liabilities=liabilities)
    assert "liabilities" in error.value.message_dict
    assert not Sanction.objects.exists()
    assert not PersonLiable.objects.exists()


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-5")])
def test_amount_must_be_positive(team, amount):
    with pytest.raises(ValidationError):
        issue(team, amount=amount)
    assert not Sanction.objects.exists()


def test_duplicate_reference_is_a_validation_error(team):
    issue(team)
    with pytest.raises(ValidationError) as error:
        issue(team)
    assert "reference" in error.value.message_dict


def test_names_alone_share_equally_to_exactly_100():
    shares = [row["share_percent"] for row in equal_shares(["A", "B", "C"])]
    assert shares == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    assert sum(shares) == 100
    assert [row["share_percent"] for row in equal_shares(["A"])] == [Decimal("100")]


# --- corrections --------------------------------------------------------------------------


def test_correcting_receipt_moves_the_clock_and_needs_a_reason(team):
    sanction = issue(team, issued_on=D(2026, 8, 1), received_on=D(2026, 8, 1))
    with pytest.raises(NotPermitted):  # a supervisor of the SAI corrects the receipt
        sanction_update(
            sanction, by=team["leader"], received_on=D(2026, 8, 31), change_reason="Stamp"
        )
    with pytest.raises(ValidationError):
        sanction_update(sanction, by=team["supervisor"], received_on=D(2026, 8, 31))
    corrected = sanction_update(
        sanction, by=team["supervisor"], received_on=D(2026, 8, 31), change_reason="Registry stamp"
    )
    assert corrected.appeal_by == D(2027, 2, 28)
    assert corrected.history.latest().history_change_reason == "Registry stamp"


def test_receipt_cannot_be_corrected_once_the_clock_stopped(team):
    sanction = SanctionFactory(finding=team["finding"], status=SanctionStatus.FINAL)
    with pytest.raises(Conflict):
        sanction_update(
            sanction, by=team["supervisor"], received_on=D(2026, 4, 2), change_reason="x"
        )


def test_agency_cannot_correct(team):
    sanction = issue(team)
    with pytest.raises(NotPermitted):
        sanction_update(sanction, by=team["respondent"], reference="X", change_reason="x")


# --- the workflow -------------------------------------------------------------------------


def test_a_suspension_matures_only_after_its_last_day_to_settle(team):
    # Set up directly: the calendar under test lies in the future, where no notice is issued.
    suspension = SanctionFactory(
        finding=team["finding"],
        kind=SanctionKind.SUSPENSION,
        reference="NS-2028-007",
        amount=Decimal("100000.00"),
        issued_on=D(2028, 12, 1),
    )
    with pytest.raises(TransitionNotAllowed):
        sanction_transition(suspension, by=None, to="matured", today=D(2029, 3, 1))
    assert not Sanction.objects.filter(kind=SanctionKind.DISALLOWANCE).exists()

    matured = sanction_transition(suspension, by=None, to="matured", today=D(2029, 3, 2))
    assert matured.status == SanctionStatus.MATURED
    disallowance = Sanction.objects.get(matured_from=suspension)
    assert disallowance.kind == SanctionKind.DISALLOWANCE
    assert disallowance.reference == "NS-2028-007-ND"
    assert disallowance.finding_id == suspension.finding_id
    assert disallowance.amount == suspension.amount
    assert (disallowance.issued_on, disallowance.received_on) == (D(2029, 3, 2), D(2029, 3, 2))
    assert disallowance.appeal_by == D(2029, 9, 2)
    assert disallowance.status == SanctionStatus.ISSUED
    assert [(p.name, p.position, p.share_percent) for p in disallowance.liabilities.all()] == [
        (p.name, p.position, p.share_percent) for p in suspension.liabilities.all()
    ]


def test_a_partly_paid_suspension_matures_into_a_disallowance_of_the_rest(team):
    suspension = SanctionFactory(
        finding=team["finding"],
        kind=SanctionKind.SUSPENSION,
        reference="NS-1",
        amount=Decimal("100000.00"),
        issued_on=D(2026, 1, 5),
    )
    payment_record(
        suspension,
        by=team["leader"],
        paid_on=D(2026, 2, 1),
        amount="30000",
        receipt_reference="OR-1",
    )
    sanction_transition(suspension, by=team["leader"], to="matured", today=D(2026, 4, 6))
    assert Sanction.objects.get(matured_from=suspension).amount == Decimal("70000.00")
    totals = sanction_totals(Sanction.objects.all())
    assert totals == {
        "issued": Decimal("100000.00"),
        "settled": Decimal("30000.00"),
        "outstanding": Decimal("70000.00"),
    }


def test_a_disallowance_does_not_mature(team):
    sanction = SanctionFactory(finding=team["finding"], issued_on=D(2026, 1, 5))
    with pytest.raises(TransitionNotAllowed):
        sanction_transition(sanction, by=None, to="matured", today=D(2027, 1, 5))


def test_appeal_is_open_through_the_last_day_only(team):
    sanction = SanctionFactory(finding=team["finding"], issued_on=D(2027, 8, 31))
    with pytest.raises(TransitionNotAllowed):
        sanction_transition(
            sanction, by=team["respondent"], to="appealed", reason="late", today=D(2028, 3, 1)
        )
    appealed = sanction_transition(
        sanction, by=team["respondent"], to="appealed", reason="in time", today=D(2028, 2, 29)
    )
    assert appealed.status == SanctionStatus.APPEALED


def test_a_suspension_cannot_be_appealed(team):
    suspension = issue(team, kind=SanctionKind.SUSPENSION)
    with pytest.raises(TransitionNotAllowed):
        sanction_transition(suspension, by=team["respondent"], to="appealed", reason="no")


def test_final_only_after_the_appeal_period(team):
    sanction = SanctionFactory(finding=team["finding"], issued_on=D(2027, 8, 31))
    with pytest.raises(TransitionNotAllowed):
        sanction_transition(sanction, by=None, to="final", today=D(2028, 2, 29))
    assert sanction_transition(sanction, by=None, to="final", today=D(2028, 3, 1)).status == "final"


def test_appeal_needs_a_reason(team):
    sanction = issue(team)
    with pytest.raises(ValidationError):
        sanction_transition(sanction, by=team["respondent"], to="appealed", reason="  ")


# --- the ledger ---------------------------------------------------------------------------


def test_partial_then_full_payment_settles_through_the_workflow(team):
    sanction = issue(team, issued_on=D(2026, 5, 4))
    payment_record(
        sanction,
        by=team["auditor"],
        paid_on=D(2026, 6, 1),
        amount="40000",
        receipt_reference="OR-1",
    )
    sanction.refresh_from_db()
    assert sanction.status == SanctionStatus.ISSUED
    payment_record(
        sanction,
        by=team["supervisor"],
        paid_on=D(2026, 7, 1),
        amount=Decimal("60000.00"),
        receipt_reference="OR-2",
    )
    sanction.refresh_from_db()
    assert sanction.status == SanctionStatus.SETTLED
    assert sanction.history.latest().history_change_reason == "Fully paid"
    annotated = sanctions_with_balance(Sanction.objects.all()).get()
    assert (annotated.amount_settled, annotated.balance) == (Decimal("100000"), Decimal("0"))


@pytest.mark.parametrize("amount", ["100000.01", "0", "-1"])
def test_payment_outside_the_balance_is_refused_and_nothing_saved(team, amount):
    sanction = issue(team)
    with pytest.raises(ValidationError) as error:
        payment_record(
            sanction, by=team["leader"], paid_on=D(2026, 6, 1), amount=amount, receipt_reference="R"
        )
    assert "amount" in error.value.message_dict
    assert not SanctionPayment.objects.exists()


def test_payment_in_the_future_is_refused(team):
    sanction = issue(team)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError):
        payment_record(
            sanction, by=team["leader"], paid_on=tomorrow, amount="1", receipt_reference="R"
        )


@pytest.mark.parametrize("status", ["settled", "appeal_granted", "matured"])
def test_no_payment_on_a_closed_sanction(team, status):
    sanction = SanctionFactory(finding=team["finding"], status=status)
    with pytest.raises(Conflict):
        payment_record(
            sanction, by=team["leader"], paid_on=D(2026, 6, 1), amount="1", receipt_reference="R"
        )
    assert not SanctionPayment.objects.exists()


@pytest.mark.parametrize("who", ["cso", "respondent"])
def test_only_team_auditors_or_a_supervisor_record_payments(team, who):
    sanction = issue(team)
    with pytest.raises(NotPermitted):
        payment_record(
            sanction, by=team[who], paid_on=D(2026, 6, 1), amount="1", receipt_reference="R"
        )


def test_full_payment_of_an_appealed_sanction_leaves_the_appeal_running(team):
    sanction = SanctionFactory(finding=team["finding"], status=SanctionStatus.APPEALED)
    payment_record(
        sanction,
        by=team["leader"],
        paid_on=D(2026, 6, 1),
        amount=sanction.amount,
        receipt_reference="R",
    )
    sanction.refresh_from_db()
    assert sanction.status == SanctionStatus.APPEALED


def test_final_sanction_fully_paid_is_settled(team):
    sanction = SanctionFactory(finding=team["finding"], status=SanctionStatus.EXECUTION_ORDERED)
    payment_record(
        sanction,
        by=team["leader"],
        paid_on=D(2026, 6, 1),
        amount=sanction.amount,
        receipt_reference="R",
    )
    sanction.refresh_from_db()
    assert sanction.status == SanctionStatus.SETTLED


# --- figures ------------------------------------------------------------------------------


def test_totals_in_one_query(team, django_assert_num_queries):
    open_one = SanctionFactory(finding=team["finding"], amount="1000.00")
    SanctionFactory(finding=team["finding"], amount="500.00", status=SanctionStatus.APPEAL_GRANTED)
    SanctionFactory(finding=team["finding"], amount="200.00", status=SanctionStatus.SETTLED)
    payment_record(
        open_one, by=team["leader"], paid_on=D(2026, 6, 1), amount="250", receipt_reference="R"
    )
    with django_assert_num_queries(1):
        totals = sanction_totals(Sanction.objects.all())
    assert totals == {
        "issued": Decimal("1700.00"),
        "settled": Decimal("250.00"),
        "outstanding": Decimal("750.00"),
    }
    assert sanction_totals(Sanction.objects.none()) == {
        "issued": Decimal("0.00"),
        "settled": Decimal("0.00"),
        "outstanding": Decimal("0.00"),
    }


# --- what the agency has to do ------------------------------------------------------------


def test_awaiting_agency_lists_replies_settlements_and_appeals(team, django_assert_num_queries):
    today = D(2026, 3, 10)
    finding = team["finding"]  # reply due 2026-03-17
    SanctionFactory(
        finding=finding,
        kind=SanctionKind.SUSPENSION,
        received_on=D(2026, 1, 2),
        issued_on=D(2026, 1, 2),
    )
    SanctionFactory(finding=finding, issued_on=D(2026, 1, 5))
    SanctionFactory(finding=finding, status=SanctionStatus.APPEALED)  # nothing to do
    other_agency = IssuedFindingFactory(engagement__auditee=AgencyFactory())
    SanctionFactory(finding=other_agency)
    with django_assert_num_queries(5):
        items = awaiting_agency(team["respondent"], today=today)
    assert [(item.kind, item.due, item.days_left) for item in items] == [
        (FINDING_REPLY, D(2026, 3, 17), 7),
        (SANCTION_SETTLEMENT, D(2026, 4, 2), 23),
        (SANCTION_APPEAL, D(2026, 7, 5), 117),
    ]
    assert items[0]["object"] == finding
    assert awaiting_agency(team["leader"], today=today) == []


def test_awaiting_agency_query_count_does_not_grow(team, django_assert_num_queries):
    for _n in range(6):
        SanctionFactory(finding=team["finding"])
        IssuedFindingFactory(engagement=team["finding"].engagement)
    with django_assert_num_queries(5):
        items = awaiting_agency(team["respondent"], today=D(2026, 3, 10))
        [item.object.engagement.reference for item in items]
    assert len(items) == 13
