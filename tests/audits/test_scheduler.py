"""The daily run, with a fake `today`: clocks that lapse, sanctions that mature or become
final, one digest per person, and nothing done twice."""

import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from audits.choices import EngagementStatus, Role, SanctionKind, SanctionStatus, TeamRole
from audits.models import PersonLiable, ReminderDigest, Sanction, SanctionPayment, User
from audits.services.scheduler import run_daily
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


@pytest.fixture(autouse=True)
def _fast_passwords_and_locmem_mail(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.REMINDER_HORIZON_DAYS = 7


@pytest.fixture
def world():
    sai = SaiFactory()
    department = AgencyFactory(name="Department")
    agency = AgencyFactory(name="District office", parent=department)
    finding = IssuedFindingFactory(
        engagement__sai=sai,
        engagement__auditee=agency,
        engagement__status=EngagementStatus.FOLLOW_UP,
        issued_on=D(2029, 2, 20),
        response_due=D(2029, 3, 7),
    )
    leader = UserFactory(role=Role.AUDITOR, organization=sai, email="leader@coa.example")
    MemberFactory(engagement=finding.engagement, user=leader, role=TeamRole.TEAM_LEADER)
    return {
        "finding": finding,
        "leader": leader,
        "respondent": UserFactory(
            role=Role.AGENCY_RESPONDENT, organization=agency, email="resp@deo.example"
        ),
        "head_office": UserFactory(
            role=Role.AGENCY_RESPONDENT, organization=department, email="head@dpwh.example"
        ),
        "stranger": UserFactory(
            role=Role.AGENCY_RESPONDENT, organization=AgencyFactory(), email="x@other.example"
        ),
        "suspension": SanctionFactory(
            finding=finding,
            kind=SanctionKind.SUSPENSION,
            reference="NS-2028-001",
            issued_on=D(2028, 12, 1),
        ),  # settle by 2029-03-01
        "disallowance": SanctionFactory(
            finding=finding, reference="ND-2028-002", issued_on=D(2028, 9, 1)
        ),  # appeal by 2029-03-01
    }


def mail_to(address):
    return [message for message in mail.outbox if message.to == [address]]


def test_nothing_moves_on_the_last_day(world):
    summary = run_daily(today=D(2029, 3, 1))
    assert summary.suspensions_matured == [] and summary.sanctions_finalised == []
    assert Sanction.objects.filter(status=SanctionStatus.ISSUED).count() == 2


def test_the_day_after_the_deadlines(world):
    summary = run_daily(today=D(2029, 3, 2))
    assert summary.suspensions_matured == ["NS-2028-001"]
    assert summary.disallowances_issued == ["NS-2028-001-ND"]
    assert summary.sanctions_finalised == ["ND-2028-002"]
    world["suspension"].refresh_from_db()
    world["disallowance"].refresh_from_db()
    assert world["suspension"].status == SanctionStatus.MATURED
    assert world["disallowance"].status == SanctionStatus.FINAL
    replacement = Sanction.objects.get(matured_from=world["suspension"])
    assert (replacement.status, replacement.issued_on) == (SanctionStatus.ISSUED, D(2029, 3, 2))
    assert replacement.history.earliest().history_user is None  # the system did it
    assert world["disallowance"].history.latest().history_change_reason == (
        "No appeal by 2029-03-01"
    )


def test_running_twice_on_a_day_changes_and_sends_nothing_more(world):
    first = run_daily(today=D(2029, 3, 2))
    sent = len(mail.outbox)
    histories = Sanction.history.count()
    second = run_daily(today=D(2029, 3, 2))
    assert sent == first.digests_sent > 0
    assert len(mail.outbox) == sent
    assert Sanction.history.count() == histories
    assert Sanction.objects.count() == 3
    assert second.suspensions_matured == second.sanctions_finalised == []
    assert (second.digests_sent, second.digests_skipped) == (0, first.digests_sent)


def test_agency_digest_lists_what_is_due_within_the_horizon(world):
    summary = run_daily(today=D(2029, 2, 26))  # reply due 03-07 (9 days): not yet
    assert summary.digests_sent == 3  # office, department above it, team leader
    messages = mail_to("resp@deo.example")
    assert len(messages) == 1
    body = messages[0].body
    assert "NS-2028-001" in body and "settle" in body and "in 3 days" in body
    assert "ND-2028-002" in body and "appeal" in body
    assert world["finding"].reference not in body
    assert len(mail_to("head@dpwh.example")) == 1  # the department above the office
    assert mail_to("x@other.example") == []
    assert "NS-2028-001" in mail_to("leader@coa.example")[0].body


def test_reply_due_soon_then_lapsed(world):
    run_daily(today=D(2029, 2, 28))
    assert world["finding"].reference in mail_to("resp@deo.example")[0].body
    mail.outbox.clear()
    summary = run_daily(today=D(2029, 3, 8))  # the day after the reply was due
    assert summary.findings_lapsed == 1
    world["finding"].refresh_from_db()
    assert world["finding"].deemed_accepted_on is not None
    leader_body = mail_to("leader@coa.example")[0].body
    assert "deemed accepted" in leader_body
    assert "NS-2028-001-ND" in leader_body  # what the run did on their engagement


def test_nobody_is_mailed_when_nothing_is_due(world):
    run_daily(today=D(2028, 12, 2))  # everything months away
    assert mail.outbox == []
    assert not ReminderDigest.objects.exists()


def test_users_without_email_or_inactive_get_nothing(world):
    world["respondent"].email = ""
    world["respondent"].save()
    world["head_office"].is_active = False
    world["head_office"].save()
    run_daily(today=D(2029, 2, 26))
    assert {message.to[0] for message in mail.outbox} == {"leader@coa.example"}


def test_agency_hears_nothing_of_an_engagement_it_cannot_see_yet(world):
    engagement = world["finding"].engagement
    engagement.status = EngagementStatus.PLANNING
    engagement.save()
    run_daily(today=D(2029, 2, 26))
    assert mail_to("resp@deo.example") == []


def test_command_with_date_prints_a_summary(world):
    out = StringIO()
    call_command("run_deadlines", "--date", "2029-03-02", stdout=out)
    text = out.getvalue()
    assert "1/4" in text and "4/4" in text
    assert "1 suspension(s) matured (NS-2028-001-ND)" in text
    assert Sanction.objects.filter(matured_from=world["suspension"]).exists()


def test_command_dry_run_changes_and_sends_nothing(world):
    out = StringIO()
    call_command("run_deadlines", "--date", "2029-03-02", "--dry-run", "--json", stdout=out)
    summary = json.loads(out.getvalue()[out.getvalue().index("{") :])
    assert summary["dry_run"] is True
    assert summary["suspensions_matured"] == ["NS-2028-001"]
    assert Sanction.objects.count() == 2
    assert Sanction.objects.filter(status=SanctionStatus.ISSUED).count() == 2
    assert mail.outbox == [] and not ReminderDigest.objects.exists()


def test_command_rejects_a_bad_date(db):
    with pytest.raises(CommandError):
        call_command("run_deadlines", "--date", "2029-02-30")


def test_celery_task_runs_daily_at_one_in_manila(world, settings):
    from audits.tasks import run_daily_deadlines

    entry = settings.CELERY_BEAT_SCHEDULE["run-daily-deadlines"]
    assert entry["task"] == run_daily_deadlines.name == "audits.tasks.run_daily_deadlines"
    assert entry["schedule"].hour == {1} and entry["schedule"].minute == {0}
    assert settings.CELERY_TIMEZONE == "Asia/Manila"
    result = run_daily_deadlines.delay("2029-03-02").get()
    assert result["suspensions_matured"] == ["NS-2028-001"]


def test_each_digest_keeps_the_mail_it_sent_for_the_reminders_page(world):
    run_daily(today=D(2029, 2, 26))
    sent = mail_to("resp@deo.example")[0]
    digest = ReminderDigest.objects.get(recipient=world["respondent"])
    assert (digest.subject, digest.body) == (sent.subject, sent.body)
    browser = Client()
    browser.force_login(world["respondent"])
    html = browser.get("/reminders/").content.decode()
    assert "NS-2028-001" in html and sent.subject in html


def test_digest_reads_in_the_recipients_language_with_pesos_and_dates(world):
    respondent = User.objects.get(email="resp@deo.example")
    respondent.language = "fil"
    respondent.save()
    run_daily(today=D(2029, 2, 26))
    body = mail_to("resp@deo.example")[0].body
    assert "Ang iyong mga deadline sa audit hanggang 26 Pebrero 2029" in body
    assert "1 Marso 2029" in body and "ayusin ang suspension na NS-2028-001 (₱" in body
    english = mail_to("head@dpwh.example")[0].body
    assert "Your audit deadlines as of 26 February 2029" in english and "(₱" in english


def _lapsing_notices(finding, count, *, tag):
    """`count` unsettled suspensions (each with two persons liable and a part paid) and
    `count` unappealed disallowances, all past their clocks on 2029-03-02."""
    payer = UserFactory(role=Role.AUDITOR, organization=finding.engagement.sai)
    for n in range(count):
        suspension = SanctionFactory(
            finding=finding,
            kind=SanctionKind.SUSPENSION,
            reference=f"NS-{tag}-{n}",
            amount="1000.00",
            issued_on=D(2028, 12, 1),
        )
        for name in ("A. Cruz", "B. Reyes"):
            PersonLiable.objects.create(sanction=suspension, name=name, share_percent=50)
        SanctionPayment.objects.create(
            sanction=suspension,
            engagement=finding.engagement,
            paid_on=D(2029, 1, 5),
            amount="250.00",
            receipt_reference=f"OR-{tag}-{n}",
            recorded_by=payer,
        )
        SanctionFactory(finding=finding, reference=f"ND-{tag}-{n}", issued_on=D(2028, 9, 1))


def _queries_of_a_run_without_mail(settings, today):
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    with CaptureQueriesContext(connection) as captured:
        summary = run_daily(today=today)
    inserts = [q for q in captured if 'INSERT INTO "audits_reminderdigest"' in q["sql"]]
    return len(captured) - len(inserts), summary


def test_sanctions_move_in_a_fixed_number_of_queries_whatever_their_number(world, settings):
    """Set-based: one lock, one update and one history insert per kind of move, whatever
    the number of notices; only the digests cost a query each (one per recipient)."""
    _lapsing_notices(world["finding"], 2, tag="A")
    few, summary = _queries_of_a_run_without_mail(settings, D(2029, 3, 2))
    assert len(summary.suspensions_matured) == 3 and len(summary.sanctions_finalised) == 3
    _lapsing_notices(world["finding"], 8, tag="B")
    many, summary = _queries_of_a_run_without_mail(settings, D(2029, 3, 3))
    assert len(summary.suspensions_matured) == 8 and len(summary.sanctions_finalised) == 8
    assert many == few


def test_a_matured_suspension_passes_on_its_unpaid_balance_and_persons_liable(world):
    _lapsing_notices(world["finding"], 2, tag="A")
    run_daily(today=D(2029, 3, 2))
    suspension = Sanction.objects.get(reference="NS-A-1")
    assert suspension.status == SanctionStatus.MATURED
    assert suspension.history.latest().history_change_reason == "Not settled by 2029-03-01"
    replacement = suspension.matured_into
    assert replacement.reference == "NS-A-1-ND"
    assert replacement.amount == Decimal("750.00")
    assert (replacement.appeal_by, replacement.kind) == (D(2029, 9, 2), SanctionKind.DISALLOWANCE)
    assert replacement.history.get().history_change_reason == (
        "Issued when suspension NS-A-1 matured"
    )
    carried = replacement.liabilities.order_by("name")
    assert [(p.name, p.share_percent) for p in carried] == [
        ("A. Cruz", Decimal("50.00")),
        ("B. Reyes", Decimal("50.00")),
    ]
    assert all(p.history.get().history_change_reason for p in carried)


def test_a_taken_reference_gives_the_next_free_one(world):
    SanctionFactory(finding=world["finding"], reference="NS-2028-001-ND", issued_on=D(2029, 1, 1))
    summary = run_daily(today=D(2029, 3, 2))
    assert summary.disallowances_issued == ["NS-2028-001-ND2"]
