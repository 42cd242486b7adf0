"""Issue 11, at the service level: the rules that let a finding, a notice and a payment
stand up to challenge (each test fails without its rule)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audits.choices import (
    EngagementStatus,
    FindingStatus,
    SanctionKind,
    SanctionStatus,
    SettlementBasis,
)
from audits.exceptions import Conflict, DuplicateEvidence, NotPermitted, TransitionNotAllowed
from audits.history import compare_versions, history_entries
from audits.models import Evidence, Finding, Sanction, SanctionPayment
from audits.querysets import history_visible_since
from audits.services.engagements import engagement_transition, engagement_update
from audits.services.evidence import evidence_file
from audits.services.findings import (
    finding_create,
    finding_transition,
    finding_update,
    recommendation_create,
)
from audits.services.sanctions import (
    payment_record,
    sanction_create,
    sanction_transition,
    sanction_update,
)
from audits.validators import validate_plausible_date
from tests.factories import AgencyFactory, EngagementFactory, IssuedFindingFactory
from tests.findings_setup import make_finding
from tests.world import build_world

pytestmark = pytest.mark.django_db
D = datetime.date
ONE_PERSON = [{"name": "Engr. A. Cruz", "share_percent": "100"}]


def today():
    return timezone.localdate()


@pytest.fixture
def world():
    return build_world(EngagementStatus.FIELDWORK)


@pytest.fixture
def finding(world):
    """An issued finding of PHP 1,250,000 (issued today)."""
    return make_finding(world, FindingStatus.ISSUED)


def notice(world, finding, *, kind=SanctionKind.DISALLOWANCE, amount="100000.00", **fields):
    fields.setdefault("reference", f"ND-{Sanction.objects.count() + 1:04d}")
    return sanction_create(
        by=world.users["team_auditor"],
        finding=finding,
        kind=kind,
        amount=amount,
        liabilities=ONE_PERSON,
        **fields,
    )


# --- the auditee cannot change under an issued finding -----------------------------------


@pytest.mark.parametrize("field", ["auditee", "follow_up_of"])
def test_auditee_and_follow_up_are_fixed_once_planning_is_over(world, field):
    value = AgencyFactory() if field == "auditee" else EngagementFactory(sai=world.sai)
    with pytest.raises(Conflict, match="fixed once the engagement has left planning"):
        engagement_update(world.engagement, by=world.users["team_leader"], **{field: value})
    world.engagement.refresh_from_db()
    assert getattr(world.engagement, field) != value


def test_the_sai_is_fixed_once_planning_is_over(world):
    other_sai = world.users["granted_expert"].organization
    with pytest.raises(Conflict):
        engagement_update(world.engagement, by=world.users["supervisor"], sai=other_sai.pk)


def test_in_planning_the_team_leader_or_a_supervisor_changes_the_auditee_with_history():
    planning = build_world(EngagementStatus.PLANNING)
    new_agency = AgencyFactory()
    with pytest.raises(NotPermitted):
        engagement_update(
            planning.engagement, by=planning.users["team_auditor"], auditee=new_agency
        )
    engagement_update(planning.engagement, by=planning.users["supervisor"], auditee=new_agency)
    latest = planning.engagement.history.latest("history_date")
    assert latest.auditee_id == new_agency.pk
    assert latest.history_user == planning.users["supervisor"] and latest.history_date


# --- notice dates ------------------------------------------------------------------------


def test_a_notice_cannot_be_issued_before_its_finding_or_in_the_future(world, finding):
    with pytest.raises(ValidationError) as refused:
        notice(world, finding, issued_on=finding.issued_on - datetime.timedelta(days=1))
    assert "issued_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        notice(world, finding, issued_on=D(2000, 1, 1))
    assert "issued_on" in refused.value.message_dict
    tomorrow = today() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        notice(world, finding, issued_on=tomorrow, received_on=tomorrow)
    assert "issued_on" in refused.value.message_dict
    assert not Sanction.objects.exists()


def test_a_notice_cannot_be_received_before_issue_or_in_the_future(world, finding):
    with pytest.raises(ValidationError) as refused:
        notice(world, finding, received_on=D(9999, 12, 31))
    assert "received_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        notice(world, finding, received_on=today() + datetime.timedelta(days=1))
    assert "received_on" in refused.value.message_dict
    assert not Sanction.objects.exists()


def test_only_a_supervisor_corrects_the_date_of_receipt_and_the_clock_moves(world):
    finding = IssuedFindingFactory(
        engagement=world.engagement, issued_on=today() - datetime.timedelta(days=30)
    )
    issued = today() - datetime.timedelta(days=20)
    sanction = notice(world, finding, kind=SanctionKind.SUSPENSION, issued_on=issued)
    corrected = issued + datetime.timedelta(days=5)
    with pytest.raises(NotPermitted):
        sanction_update(
            sanction, by=world.users["team_auditor"], received_on=corrected, change_reason="x"
        )
    with pytest.raises(ValidationError) as refused:
        sanction_update(sanction, by=world.users["supervisor"], received_on=corrected)
    assert "change_reason" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        sanction_update(
            sanction,
            by=world.users["supervisor"],
            received_on=today() + datetime.timedelta(days=1),
            change_reason="Registry stamp misread",
        )
    assert "received_on" in refused.value.message_dict
    updated = sanction_update(
        sanction,
        by=world.users["supervisor"],
        received_on=corrected,
        change_reason="Registry stamp misread",
    )
    assert updated.settle_by == corrected + datetime.timedelta(days=90)
    [entry, *_] = history_entries(updated)
    changes = {change["field"]: change for change in entry["changes"]}
    assert changes["received_on"] == {
        "field": "received_on",
        "old": issued.isoformat(),
        "new": corrected.isoformat(),
    }
    assert "settle_by" in changes and entry["change_reason"] == "Registry stamp misread"


def test_notices_in_force_cannot_exceed_the_finding_amount(world, finding):
    with pytest.raises(ValidationError) as refused:
        notice(world, finding, amount="99999999999.00")
    assert "amount" in refused.value.message_dict
    first = notice(world, finding, amount="1000000.00")
    with pytest.raises(ValidationError):
        notice(world, finding, amount="250000.01")
    # A notice lifted on appeal no longer counts.
    Sanction.objects.filter(pk=first.pk).update(status=SanctionStatus.APPEAL_GRANTED)
    assert notice(world, finding, amount="1250000.00").amount == Decimal("1250000.00")


def test_the_finding_amount_cannot_drop_below_the_notices_in_force(world, finding):
    notice(world, finding, amount="1000000.00")
    with pytest.raises(ValidationError) as refused:
        finding_update(
            finding, by=world.users["team_leader"], amount="500000.00", change_reason="Recount"
        )
    assert "amount" in refused.value.message_dict


# --- settlement basis --------------------------------------------------------------------


def test_settled_by_hand_is_refused_while_a_balance_remains(world, finding):
    sanction = notice(world, finding)
    for who in ("team_auditor", "supervisor"):
        with pytest.raises((TransitionNotAllowed, ValidationError)):
            sanction_transition(sanction, by=world.users[who], to=SanctionStatus.SETTLED)
        with pytest.raises(TransitionNotAllowed):
            sanction_transition(
                sanction,
                by=world.users[who],
                to=SanctionStatus.SETTLED,
                settlement_basis=SettlementBasis.PAYMENT,
            )
    assert Sanction.objects.get(pk=sanction.pk).status == SanctionStatus.ISSUED


def test_full_payment_settles_on_the_basis_payment(world, finding):
    sanction = notice(world, finding)
    payment_record(
        sanction,
        by=world.users["team_auditor"],
        paid_on=today(),
        amount="100000.00",
        receipt_reference="OR-1",
    )
    sanction.refresh_from_db()
    assert sanction.status == SanctionStatus.SETTLED
    assert sanction.settlement_basis == SettlementBasis.PAYMENT
    assert sanction.history.latest("history_date").settlement_basis == "payment"


def test_compliance_settles_a_suspension_only_by_a_supervisor_with_a_reason(world, finding):
    suspension = notice(world, finding, kind=SanctionKind.SUSPENSION)
    compliance = {"to": SanctionStatus.SETTLED, "settlement_basis": SettlementBasis.COMPLIANCE}
    with pytest.raises(NotPermitted):
        sanction_transition(suspension, by=world.users["team_auditor"], reason="ok", **compliance)
    with pytest.raises(ValidationError) as refused:
        sanction_transition(suspension, by=world.users["supervisor"], **compliance)
    assert "reason" in refused.value.message_dict
    settled = sanction_transition(
        suspension, by=world.users["supervisor"], reason="Payrolls supplied", **compliance
    )
    assert (settled.settlement_basis, settled.settlement_reason) == (
        "compliance",
        "Payrolls supplied",
    )
    disallowance = notice(world, finding)
    with pytest.raises(ValidationError) as refused:
        sanction_transition(disallowance, by=world.users["supervisor"], reason="x", **compliance)
    assert "settlement_basis" in refused.value.message_dict


def test_a_decision_settles_a_disallowance_with_its_reference(world, finding):
    disallowance = notice(world, finding)
    decision = {"to": SanctionStatus.SETTLED, "settlement_basis": SettlementBasis.DECISION}
    with pytest.raises(ValidationError) as refused:
        sanction_transition(
            disallowance, by=world.users["supervisor"], reason="Lifted on appeal", **decision
        )
    assert "decision_reference" in refused.value.message_dict
    settled = sanction_transition(
        disallowance,
        by=world.users["supervisor"],
        reason="Lifted on appeal",
        decision_reference="LAO-D 2026-014",
        **decision,
    )
    assert settled.settlement_basis == "decision"
    assert settled.settlement_decision_reference == "LAO-D 2026-014"
    entry = history_entries(settled)[0]
    fields = {change["field"] for change in entry["changes"]}
    assert {"settlement_basis", "settlement_reason", "settlement_decision_reference"} <= fields
    suspension = notice(world, finding, kind=SanctionKind.SUSPENSION)
    with pytest.raises(ValidationError):
        sanction_transition(
            suspension,
            by=world.users["supervisor"],
            reason="x",
            decision_reference="y",
            **decision,
        )


# --- payments ----------------------------------------------------------------------------


def _pay(world, sanction, **fields):
    values = {"paid_on": today(), "amount": "1000.00", "receipt_reference": "OR-7"}
    values.update(fields)
    return payment_record(sanction, by=world.users["team_auditor"], **values)


def test_a_payment_is_dated_between_the_notice_and_today(world, finding):
    sanction = notice(world, finding)
    with pytest.raises(ValidationError) as refused:
        _pay(world, sanction, paid_on=sanction.issued_on - datetime.timedelta(days=1))
    assert "paid_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        _pay(world, sanction, paid_on=today() + datetime.timedelta(days=1))
    assert "paid_on" in refused.value.message_dict
    assert not SanctionPayment.objects.exists()


def test_one_receipt_once_per_notice_and_shared_only_when_confirmed(world, finding):
    first = notice(world, finding)
    second = notice(world, finding)
    _pay(world, first, receipt_reference="OR-7")
    with pytest.raises(ValidationError) as refused:
        _pay(world, first, receipt_reference=" or-7 ")
    assert "receipt_reference" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        _pay(world, second, receipt_reference="OR-7")
    assert "confirm_shared_receipt" in refused.value.message_dict["receipt_reference"][0]
    shared = _pay(world, second, receipt_reference="OR-7", confirm_shared_receipt=True)
    assert shared.receipt_reference == "OR-7"


# --- findings complete before they leave the team ----------------------------------------


def test_a_finding_goes_for_review_only_when_complete(world):
    draft = finding_create(by=world.users["team_leader"], engagement=world.engagement, title="T")
    with pytest.raises(TransitionNotAllowed) as refused:
        finding_transition(draft, by=world.users["team_leader"], to=FindingStatus.FOR_REVIEW)
    message = str(refused.value)
    for missing in ("condition", "criteria", "cause", "effect", "recommendation"):
        assert missing in message
    finding_update(
        draft,
        by=world.users["team_leader"],
        condition="c",
        criteria="r",
        cause="u",
        effect="e",
    )
    with pytest.raises(TransitionNotAllowed, match="recommendation"):
        finding_transition(draft, by=world.users["team_leader"], to=FindingStatus.FOR_REVIEW)
    recommendation_create(by=world.users["team_leader"], finding=draft, text="Recover it.")
    moved = finding_transition(draft, by=world.users["team_leader"], to=FindingStatus.FOR_REVIEW)
    assert moved.status == FindingStatus.FOR_REVIEW


def test_a_finding_emptied_in_review_cannot_be_issued(world):
    finding = make_finding(world, FindingStatus.FOR_REVIEW)
    finding_update(finding, by=world.users["team_leader"], effect="   ")
    with pytest.raises(TransitionNotAllowed, match="effect"):
        finding_transition(finding, by=world.users["supervisor"], to=FindingStatus.ISSUED)


def test_narrative_fields_and_titles_have_limits(world):
    with pytest.raises(ValidationError) as refused:
        finding_create(
            by=world.users["team_leader"],
            engagement=world.engagement,
            title="T",
            condition="x" * 20_001,
        )
    assert "20000" in refused.value.message_dict["condition"][0]
    with pytest.raises(ValidationError) as refused:
        finding_create(by=world.users["team_leader"], engagement=world.engagement, title="T" * 300)
    assert "title" in refused.value.message_dict
    assert not Finding.objects.exists()


def test_a_target_date_is_not_before_the_finding_was_created(world):
    finding = make_finding(world)
    with pytest.raises(ValidationError) as refused:
        recommendation_create(
            by=world.users["team_leader"],
            finding=finding,
            text="Recover it.",
            target_date=today() - datetime.timedelta(days=1),
        )
    assert "target_date" in refused.value.message_dict
    recommendation_create(
        by=world.users["team_leader"], finding=finding, text="Recover it.", target_date=today()
    )


# --- one date validator ------------------------------------------------------------------


@pytest.mark.parametrize("bad", [D(1, 1, 1), D(1899, 12, 31), D(9999, 12, 31)])
def test_the_date_validator_refuses_implausible_years(bad):
    with pytest.raises(ValidationError):
        validate_plausible_date(bad)
    with pytest.raises(ValidationError):
        validate_plausible_date(datetime.datetime(bad.year, 6, 1, tzinfo=datetime.UTC))


def test_the_date_validator_accepts_ten_years_ahead_and_1900():
    validate_plausible_date(D(1900, 1, 1))
    validate_plausible_date(today().replace(year=today().year + 10, day=1))
    with pytest.raises(ValidationError):
        validate_plausible_date(today() + datetime.timedelta(days=366 * 10 + 3))


def test_services_refuse_implausible_engagement_periods(world):
    with pytest.raises(ValidationError) as refused:
        engagement_update(world.engagement, by=world.users["team_leader"], period_start=D(1, 1, 1))
    assert "period_start" in refused.value.message_dict


def test_services_refuse_implausible_capture_times(world):
    upload = SimpleUploadedFile("n.txt", b"notes", content_type="text/plain")
    with pytest.raises(ValidationError) as refused:
        evidence_file(
            by=world.users["team_cso"],
            engagement=world.engagement,
            kind="inspection",
            upload=upload,
            captured_at=datetime.datetime(1, 1, 1, tzinfo=datetime.UTC),
        )
    assert "captured_at" in refused.value.message_dict


# --- the same file twice -----------------------------------------------------------------


def _file(world, content=b"Site notes, dike segment 3\n", reference=""):
    upload = SimpleUploadedFile("notes.txt", content, content_type="text/plain")
    return evidence_file(
        by=world.users["team_cso"],
        engagement=world.engagement,
        kind="inspection",
        upload=upload,
        client_reference=reference,
    )


def test_the_same_bytes_twice_on_one_engagement_are_refused_naming_the_first(world):
    first = _file(world)
    with pytest.raises(DuplicateEvidence) as refused:
        _file(world)
    assert refused.value.existing == first and refused.value.status_code == 409
    assert f"#{first.pk}" in refused.value.message
    assert Evidence.objects.count() == 1


def test_a_retry_with_the_same_client_reference_still_returns_the_first(world):
    first = _file(world, reference="phone-1")
    again = _file(world, reference="phone-1")
    assert again.pk == first.pk and again.was_already_filed


# --- what outsiders read in history ------------------------------------------------------


def test_outsiders_read_an_engagement_history_from_when_they_could_see_it():
    world = build_world(EngagementStatus.PLANNING)
    lead = world.users["team_leader"]
    engagement = world.engagement
    for title in ("Draft title 1", "Draft title 2"):
        engagement = engagement_update(engagement, by=lead, title=title)
    engagement = engagement_transition(engagement, by=lead, to=EngagementStatus.FIELDWORK)
    engagement = engagement_update(engagement, by=lead, title="Fieldwork title")
    engagement = engagement_transition(engagement, by=lead, to=EngagementStatus.REPORTING)

    agency = world.users["agency_respondent"]
    entries = history_entries(engagement, since=history_visible_since(agency, engagement))
    assert [entry["version"] for entry in entries] == [3, 2, 1]
    assert "Draft title 1" not in str(entries)
    oversight = world.users["oversight"]
    entries = history_entries(engagement, since=history_visible_since(oversight, engagement))
    assert [entry["version"] for entry in entries] == [1]
    assert "Fieldwork title" in str(entries) and "Draft title" not in str(entries)
    # The team reads every version.
    assert history_visible_since(world.users["team_leader"], engagement) is None


def test_outsiders_read_finding_versions_numbered_from_one(world):
    finding = make_finding(world)
    for text in ("a", "b", "c"):
        finding = finding_update(finding, by=world.users["team_leader"], effect=f"Effect {text}")
    recommendation_create(by=world.users["team_leader"], finding=finding, text="Do it.")
    finding = finding_transition(finding, by=world.users["team_leader"], to="for_review")
    finding = finding_transition(finding, by=world.users["supervisor"], to="issued")
    finding = finding_update(
        finding, by=world.users["team_leader"], title="Renamed", change_reason="Typo"
    )
    since = history_visible_since(world.users["agency_respondent"], finding)
    entries = history_entries(finding, since=since)
    assert [entry["version"] for entry in entries] == [2, 1]
    rows = {row["field"]: row for row in compare_versions(finding, 1, 2, since=since)}
    assert rows["title"]["new"] == "Renamed" and rows["title"]["changed"]
