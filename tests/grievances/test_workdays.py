"""The working-day clock: weekends, Philippine public holidays (the `holidays` package)
and non-working days the SAI declares; the daily job escalates what lapsed, once."""

import datetime
from unittest import mock

import pytest
from django.core import mail

from audits.choices import Role
from audits.services.scheduler import run_daily
from grievances.choices import Escalation
from grievances.choices import GrievanceStatus as G
from grievances.models import Grievance, NonWorkingDay
from grievances.services.triage import grievance_transition, grievance_update_post
from grievances.workdays import WorkingCalendar, working_calendar
from tests.factories import AgencyFactory, UserFactory
from tests.grievances.factories import file_grievance

D = datetime.date
FRIDAY = D(2026, 11, 13)
BEFORE_BONIFACIO_DAY = D(2026, 11, 27)  # a Friday; Monday 30 November is Bonifacio Day


def test_a_weekend_is_skipped():
    assert WorkingCalendar().add_working_days(FRIDAY, 3) == D(2026, 11, 18)
    assert WorkingCalendar().add_working_days(D(2026, 11, 14), 3) == D(2026, 11, 18)


def test_a_philippine_public_holiday_is_skipped():
    calendar = WorkingCalendar()
    assert not calendar.is_working_day(D(2026, 11, 30))
    assert calendar.add_working_days(BEFORE_BONIFACIO_DAY, 3) == D(2026, 12, 3)
    assert calendar.add_working_days(D(2026, 6, 11), 1) == D(2026, 6, 15)  # Independence Day


def test_a_declared_suspension_is_skipped():
    calendar = WorkingCalendar(frozenset({D(2026, 12, 2)}))
    assert calendar.add_working_days(BEFORE_BONIFACIO_DAY, 3) == D(2026, 12, 4)


def test_working_days_between_counts_only_working_days():
    calendar = WorkingCalendar()
    assert calendar.working_days_between(BEFORE_BONIFACIO_DAY, D(2026, 12, 3)) == 3
    assert calendar.working_days_between(D(2026, 12, 3), D(2026, 12, 3)) == 0


def at_manila_noon(day):
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC) - (
        datetime.timedelta(hours=8)
    )


def filed_on(day, **fields):
    with mock.patch("django.utils.timezone.now", return_value=at_manila_noon(day)):
        return file_grievance(**fields)


@pytest.mark.django_db
def test_the_declared_day_comes_from_the_database():
    NonWorkingDay.objects.create(day=D(2026, 12, 2), reason="Typhoon Ompong: work suspended")
    assert working_calendar().add_working_days(BEFORE_BONIFACIO_DAY, 3) == D(2026, 12, 4)
    assert filed_on(BEFORE_BONIFACIO_DAY).verify_due == D(2026, 12, 4)


@pytest.mark.django_db
def test_verification_is_due_three_working_days_after_receipt_across_weekend_and_holiday():
    assert filed_on(FRIDAY).verify_due == D(2026, 11, 18)
    assert filed_on(BEFORE_BONIFACIO_DAY).verify_due == D(2026, 12, 3)


@pytest.mark.django_db
def test_the_daily_job_escalates_an_unverified_grievance_once_and_mails_the_supervisors(
    django_capture_on_commit_callbacks,
):
    UserFactory(role=Role.SUPERVISOR, email="chief@coa.example.org")
    grievance = filed_on(BEFORE_BONIFACIO_DAY)
    assert run_daily(today=D(2026, 12, 3)).grievances_escalated == []
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        summary = run_daily(today=D(2026, 12, 4))
    assert summary.grievances_escalated == [grievance.grouped_code]
    grievance.refresh_from_db()
    assert (grievance.escalation, grievance.escalated_on) == (
        Escalation.VERIFICATION,
        D(2026, 12, 4),
    )
    escalation_mail = [m for m in mail.outbox if "chief@coa.example.org" in m.to]
    assert len(escalation_mail) == 1 and grievance.grouped_code in escalation_mail[0].body
    assert run_daily(today=D(2026, 12, 4)).grievances_escalated == []
    assert run_daily(today=D(2026, 12, 5)).grievances_escalated == []


@pytest.mark.django_db
def test_a_dry_run_escalates_nothing():
    filed_on(FRIDAY)
    summary = run_daily(today=D(2026, 11, 19), dry_run=True)
    assert len(summary.grievances_escalated) == 1
    assert not Grievance.objects.exclude(escalation="").exists()


@pytest.mark.django_db
def test_the_agency_plan_is_due_five_working_days_after_referral_and_escalates_when_late():
    agency = AgencyFactory()
    respondent = UserFactory(role=Role.AGENCY_RESPONDENT, organization=agency)
    staff = UserFactory(role=Role.SUPERVISOR)
    grievance = filed_on(D(2026, 11, 20), agency=agency, status=G.UNDER_REVIEW, staff=staff)
    grievance = grievance_transition(
        grievance, by=staff, to=G.REFERRED_TO_AGENCY, today=D(2026, 11, 23)
    )
    # 24, 25, 26, 27 November, the weekend, Bonifacio Day, then 1 December.
    assert grievance.plan_due == D(2026, 12, 1)
    assert run_daily(today=D(2026, 12, 1)).grievances_escalated == []
    assert run_daily(today=D(2026, 12, 2)).grievances_escalated == [grievance.grouped_code]
    grievance.refresh_from_db()
    assert grievance.escalation == Escalation.ACTION_PLAN
    grievance_update_post(grievance, by=respondent, text="We will repair the railing by Friday.")
    grievance.refresh_from_db()
    assert grievance.escalation == "" and grievance.plan_received_at is not None
    assert run_daily(today=D(2026, 12, 3)).grievances_escalated == []
