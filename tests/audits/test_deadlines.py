"""Statutory clocks: 90 days to settle a suspension, 6 months to appeal a disallowance or
charge, both from receipt; month ends clamp, leap years count."""

import datetime

import pytest

from audits.choices import Role, SanctionKind, TeamRole
from audits.deadlines import add_days, add_months, days_left
from audits.services.sanctions import sanction_create, sanction_deadlines
from tests.factories import IssuedFindingFactory, MemberFactory, UserFactory

D = datetime.date


def test_suspension_received_2028_12_01_must_be_settled_by_2029_03_01():
    assert sanction_deadlines(SanctionKind.SUSPENSION, D(2028, 12, 1)) == {
        "settle_by": D(2029, 3, 1),
        "appeal_by": None,
    }


def test_disallowance_received_2027_08_31_may_be_appealed_until_2028_02_29():
    assert sanction_deadlines(SanctionKind.DISALLOWANCE, D(2027, 8, 31)) == {
        "settle_by": None,
        "appeal_by": D(2028, 2, 29),
    }


def test_charge_runs_the_same_appeal_clock_as_a_disallowance():
    assert sanction_deadlines(SanctionKind.CHARGE, D(2026, 3, 31))["appeal_by"] == D(2026, 9, 30)


@pytest.mark.parametrize(
    ("received", "settle_by"),
    [
        (D(2027, 12, 1), D(2028, 2, 29)),  # the 90 days span a leap February
        (D(2027, 11, 30), D(2028, 2, 28)),
        (D(2026, 12, 1), D(2027, 3, 1)),  # no leap day: one day later in March
        (D(2026, 1, 1), D(2026, 4, 1)),
        (D(2026, 10, 3), D(2027, 1, 1)),  # across the year end
    ],
)
def test_ninety_days_to_settle(received, settle_by):
    assert add_days(received, 90) == settle_by


@pytest.mark.parametrize(
    ("received", "appeal_by"),
    [
        (D(2027, 8, 31), D(2028, 2, 29)),  # clamps to a leap February's last day
        (D(2028, 8, 31), D(2029, 2, 28)),  # and to a common February's
        (D(2028, 8, 29), D(2029, 2, 28)),
        (D(2027, 8, 29), D(2028, 2, 29)),
        (D(2028, 2, 29), D(2028, 8, 29)),  # from a leap day
        (D(2026, 3, 31), D(2026, 9, 30)),  # 31st into a 30-day month
        (D(2026, 12, 31), D(2027, 6, 30)),  # across the year end
        (D(2026, 7, 15), D(2027, 1, 15)),
        (D(2026, 6, 30), D(2026, 12, 30)),
    ],
)
def test_six_months_to_appeal(received, appeal_by):
    assert add_months(received, 6) == appeal_by


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2026, 1, 31), 3, D(2026, 4, 30)),
        (D(2026, 11, 30), 14, D(2028, 1, 30)),
        (D(2100, 8, 31), 6, D(2101, 2, 28)),
        (D(2099, 8, 31), 6, D(2100, 2, 28)),  # 2100 is not a leap year
        (D(2399, 8, 31), 6, D(2400, 2, 29)),  # 2400 is
    ],
)
def test_add_months_clamps_to_month_end(start, months, expected):
    assert add_months(start, months) == expected


def test_days_left_is_negative_when_overdue():
    assert days_left(D(2026, 3, 1), D(2026, 2, 27)) == 2
    assert days_left(D(2026, 3, 1), D(2026, 3, 1)) == 0
    assert days_left(D(2026, 3, 1), D(2026, 3, 4)) == -3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "received", "settle_by", "appeal_by"),
    [
        # Dates in the past: a notice is never issued or received in the future.
        (SanctionKind.SUSPENSION, D(2025, 12, 1), D(2026, 3, 1), None),
        (SanctionKind.DISALLOWANCE, D(2026, 8, 31), None, D(2027, 2, 28)),
        (SanctionKind.CHARGE, D(2026, 8, 31), None, D(2027, 2, 28)),
    ],
)
def test_the_service_stores_the_deadlines_from_receipt(kind, received, settle_by, appeal_by):
    finding = IssuedFindingFactory(issued_on=received - datetime.timedelta(days=10))
    leader = UserFactory(role=Role.AUDITOR)
    MemberFactory(engagement=finding.engagement, user=leader, role=TeamRole.TEAM_LEADER)
    sanction = sanction_create(
        by=leader,
        finding=finding,
        kind=kind,
        reference="N-1",
        amount="1000.00",
        liabilities=[{"name": "A. Cruz", "share_percent": "100"}],
        issued_on=received - datetime.timedelta(days=3),
        received_on=received,
    )
    sanction.refresh_from_db()
    assert (sanction.settle_by, sanction.appeal_by) == (settle_by, appeal_by)
