import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from audits.choices import (
    EngagementStatus,
    FindingStatus,
    RecommendationStatus,
    ResponseKind,
    TeamRole,
)
from audits.exceptions import Conflict, NotPermitted, TransitionNotAllowed, UnsupportedFileType
from audits.models import Finding, Recommendation, Response, ResponseAttachment
from audits.models.files import evidence_storage
from audits.services import findings as services
from tests.factories import EngagementFactory, MemberFactory
from tests.findings_setup import (
    add_recommendation,
    make_evidence,
    make_finding,
    pdf_upload,
)
from tests.world import build_world

pytestmark = pytest.mark.django_db

S = FindingStatus
EVERYONE_ELSE = [
    "sai_admin",
    "outsider_auditor",
    "outsider_cso",
    "lapsed_cso",
    "granted_expert",
    "agency_respondent",
    "oversight",
]


@pytest.fixture
def world():
    return build_world(status=EngagementStatus.FIELDWORK)


def user(world, name):
    return world.users[name]


# --- creating ---------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["team_leader", "team_auditor", "team_cso"])
def test_team_members_draft_findings_with_generated_references(world, actor):
    year = timezone.localdate().year
    first = services.finding_create(by=user(world, actor), engagement=world.engagement, title="A")
    second = services.finding_create(by=user(world, actor), engagement=world.engagement, title="B")
    assert (first.reference, second.reference) == (f"AOM-{year}-001", f"AOM-{year}-002")
    assert first.status == S.DRAFT and first.created_by == user(world, actor)
    record = first.history.get()
    assert record.history_user == user(world, actor) and record.history_change_reason


@pytest.mark.parametrize("actor", ["supervisor", *EVERYONE_ELSE])
def test_others_cannot_draft(world, actor):
    with pytest.raises(NotPermitted):
        services.finding_create(by=user(world, actor), engagement=world.engagement, title="A")
    assert not Finding.objects.exists()


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (EngagementStatus.PLANNING, True),
        (EngagementStatus.REPORTING, True),
        (EngagementStatus.FOLLOW_UP, False),
        (EngagementStatus.CLOSED, False),
    ],
)
def test_drafting_depends_on_engagement_status(status, allowed):
    world = build_world(status=status)
    if allowed:
        services.finding_create(
            by=user(world, "team_leader"), engagement=world.engagement, title="A"
        )
    else:
        with pytest.raises(Conflict):
            services.finding_create(
                by=user(world, "team_leader"), engagement=world.engagement, title="A"
            )
    assert Finding.objects.exists() == allowed


def test_duplicate_reference_is_refused(world):
    make_finding(world, reference="AOM-X")
    with pytest.raises(ValidationError) as error:
        make_finding(world, reference="AOM-X")
    assert "__all__" in error.value.message_dict or "reference" in error.value.message_dict
    assert Finding.objects.count() == 1


@pytest.mark.parametrize("amount", ["-1", "1000000000000000.01", "abc"])
def test_bad_amount_is_refused(world, amount):
    with pytest.raises(ValidationError) as error:
        make_finding(world, amount=amount)
    assert "amount" in error.value.message_dict
    assert not Finding.objects.exists()


def test_evidence_from_another_engagement_is_refused(world):
    own = make_evidence(world.engagement, user(world, "team_leader"))
    foreign = make_evidence(world.other_engagement, user(world, "outsider_auditor"))
    with pytest.raises(ValidationError) as error:
        make_finding(world, evidence=[own.pk, foreign.pk])
    assert "evidence" in error.value.message_dict
    assert not Finding.objects.exists()
    finding = make_finding(world, evidence=[own])
    assert list(finding.evidence.values_list("pk", flat=True)) == [own.pk]


# --- editing ----------------------------------------------------------------------------


@pytest.mark.parametrize("status", [S.DRAFT, S.FOR_REVIEW])
@pytest.mark.parametrize("actor", ["team_leader", "team_auditor", "team_cso"])
def test_team_edits_drafts_without_reason(world, status, actor):
    finding = make_finding(world, status)
    services.finding_update(finding, by=user(world, actor), cause="Weak price checks")
    finding.refresh_from_db()
    assert finding.cause == "Weak price checks"
    assert finding.history.first().history_change_reason == "Changed: cause"


@pytest.mark.parametrize("actor", ["supervisor", *EVERYONE_ELSE])
def test_others_cannot_edit_drafts(world, actor):
    finding = make_finding(world)
    with pytest.raises(NotPermitted):
        services.finding_update(finding, by=user(world, actor), cause="x")
    finding.refresh_from_db()
    assert finding.cause != "x"


def test_after_issue_a_change_needs_a_reason(world):
    finding = make_finding(world, S.ISSUED)
    versions, effect = finding.history.count(), finding.effect
    with pytest.raises(ValidationError) as error:
        services.finding_update(finding, by=user(world, "team_leader"), effect="PHP 2M lost")
    assert "change_reason" in error.value.message_dict
    finding.refresh_from_db()
    assert finding.effect == effect and finding.history.count() == versions
    services.finding_update(
        finding, by=user(world, "supervisor"), change_reason="Agency data", effect="PHP 2M lost"
    )
    finding.refresh_from_db()
    assert finding.effect == "PHP 2M lost"
    latest = finding.history.first()
    assert latest.history_change_reason == "Agency data"
    assert latest.history_user == user(world, "supervisor")


@pytest.mark.parametrize("actor", ["team_auditor", "team_cso", "sai_admin", "agency_respondent"])
def test_after_issue_only_leader_or_supervisor_edits(world, actor):
    finding = make_finding(world, S.ISSUED)
    with pytest.raises(NotPermitted):
        services.finding_update(finding, by=user(world, actor), change_reason="r", effect="x")


def test_closed_finding_is_frozen(world):
    finding = make_finding(world, S.CLOSED)
    with pytest.raises(Conflict):
        services.finding_update(finding, by=user(world, "supervisor"), change_reason="r", cause="x")


def test_overlong_reason_is_a_validation_error(world):
    finding = make_finding(world, S.ISSUED)
    with pytest.raises(ValidationError):
        services.finding_update(
            finding,
            by=user(world, "team_leader"),
            change_reason="x" * (services.REASON_MAX_LENGTH + 1),
            cause="y",
        )


def test_evidence_change_is_one_version_with_the_links(world):
    first = make_evidence(world.engagement, user(world, "team_leader"), "Receipt")
    second = make_evidence(world.engagement, user(world, "team_cso"), "Photo")
    finding = make_finding(world, evidence=[first])
    versions = finding.history.count()
    services.finding_update(finding, by=user(world, "team_cso"), evidence=[first.pk, second.pk])
    assert finding.history.count() == versions + 1
    foreign = make_evidence(world.other_engagement, user(world, "outsider_auditor"))
    with pytest.raises(ValidationError):
        services.finding_update(finding, by=user(world, "team_cso"), evidence=[foreign.pk])
    assert sorted(finding.evidence.values_list("pk", flat=True)) == [first.pk, second.pk]


# --- the workflow, move by move and role by role ------------------------------------------

MOVES = [
    (S.DRAFT, S.FOR_REVIEW, "", {"team_leader"}),
    (S.FOR_REVIEW, S.DRAFT, "Needs the contract clause", {"supervisor"}),
    (S.FOR_REVIEW, S.ISSUED, "", {"supervisor"}),
    (S.ISSUED, S.CLOSED, "Agency refunded", {"team_leader", "supervisor"}),
]
ROLES = [
    "team_leader",
    "team_auditor",
    "team_cso",
    "supervisor",
    "sai_admin",
    "agency_respondent",
    "oversight",
    "outsider_auditor",
    "lapsed_cso",
]


@pytest.mark.parametrize("actor", ROLES)
@pytest.mark.parametrize(("source", "target", "reason", "allowed"), MOVES)
def test_each_move_per_role(world, source, target, reason, allowed, actor):
    finding = make_finding(world, source)
    if source == S.DRAFT:  # complete: the move is refused for an incomplete finding
        add_recommendation(world, finding)
    if actor in allowed:
        moved = services.finding_transition(
            finding, by=user(world, actor), to=target, reason=reason
        )
        assert moved.status == target
        assert moved.history.first().history_user == user(world, actor)
    else:
        with pytest.raises(NotPermitted):
            services.finding_transition(finding, by=user(world, actor), to=target, reason=reason)
        finding.refresh_from_db()
        assert finding.status == source


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (S.DRAFT, S.ISSUED),
        (S.DRAFT, S.CLOSED),
        (S.ISSUED, S.DRAFT),
        (S.ISSUED, S.FOR_REVIEW),
        (S.CLOSED, S.ISSUED),
        (S.FOR_REVIEW, S.CLOSED),
        (S.DRAFT, "nonsense"),
    ],
)
def test_moves_not_in_the_table_are_409(world, source, target):
    finding = make_finding(world, source)
    with pytest.raises(TransitionNotAllowed):
        services.finding_transition(finding, by=user(world, "supervisor"), to=target, reason="r")
    finding.refresh_from_db()
    assert finding.status == source


@pytest.mark.parametrize(("source", "target"), [(S.FOR_REVIEW, S.DRAFT), (S.ISSUED, S.CLOSED)])
def test_moves_that_need_a_reason(world, source, target):
    finding = make_finding(world, source)
    with pytest.raises(ValidationError):
        services.finding_transition(finding, by=user(world, "supervisor"), to=target)
    finding.refresh_from_db()
    assert finding.status == source


def test_issue_stamps_dates_from_the_default_reply_period(world, settings):
    settings.FINDING_REPLY_DAYS = 15
    finding = make_finding(world, S.ISSUED)
    today = timezone.localdate()
    assert finding.issued_on == today
    assert finding.response_due == today + datetime.timedelta(days=15)


def test_issue_uses_the_sai_reply_period(world):
    world.sai.reply_period_days = 10
    world.sai.save()
    finding = make_finding(world, S.ISSUED)
    assert finding.response_due == finding.issued_on + datetime.timedelta(days=10)


def test_no_issue_while_the_engagement_is_in_planning():
    world = build_world(status=EngagementStatus.PLANNING)
    finding = make_finding(world, S.FOR_REVIEW)
    with pytest.raises(TransitionNotAllowed):
        services.finding_transition(finding, by=user(world, "supervisor"), to=S.ISSUED)
    finding.refresh_from_db()
    assert (finding.status, finding.issued_on) == (S.FOR_REVIEW, None)


def test_second_issue_from_a_stale_copy_is_409(world):
    finding = make_finding(world, S.FOR_REVIEW)
    stale = Finding.objects.get(pk=finding.pk)
    services.finding_transition(finding, by=user(world, "supervisor"), to=S.ISSUED)
    other = MemberFactory(engagement=world.engagement, role=TeamRole.AUDITOR).user
    other.role, other.organization = "supervisor", world.sai
    other.save()
    with pytest.raises(TransitionNotAllowed):
        services.finding_transition(stale, by=other, to=S.ISSUED)
    assert finding.history.filter(status=S.ISSUED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_supervisors_issue_at_once_exactly_one_wins():
    if connection.vendor == "sqlite" and "mode=memory" in connection.settings_dict["NAME"]:
        # Shared-cache in-memory SQLite fails "table is locked" instead of waiting; a file
        # database (WAL, BEGIN IMMEDIATE, busy timeout) runs this test, as PostgreSQL does.
        pytest.skip("in-memory SQLite cannot wait on a lock; see the stale-copy test")
    world = build_world(status=EngagementStatus.FIELDWORK)
    second = type(world.users["supervisor"]).objects.create(
        username="second_supervisor", role="supervisor", organization=world.sai
    )
    finding = make_finding(world, S.FOR_REVIEW)
    barrier = threading.Barrier(2)
    outcomes = []

    def issue(supervisor):
        from django.db import connections

        try:
            copy = Finding.objects.get(pk=finding.pk)
            barrier.wait(timeout=10)
            services.finding_transition(copy, by=supervisor, to=S.ISSUED)
            outcomes.append("issued")
        except TransitionNotAllowed:
            outcomes.append("409")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=issue, args=(person,))
        for person in (world.users["supervisor"], second)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["409", "issued"]
    assert Finding.history.filter(id=finding.pk, status=S.ISSUED).count() == 1


# --- deemed acceptance -------------------------------------------------------------------------


def test_lapsed_reply_is_deemed_accepted_once(world):
    finding = make_finding(world, S.ISSUED)
    due = finding.response_due
    assert services.finding_mark_lapsed_replies(today=due) == []
    marked = services.finding_mark_lapsed_replies(today=due + datetime.timedelta(days=1))
    assert [f.pk for f in marked] == [finding.pk]
    finding.refresh_from_db()
    assert finding.deemed_accepted and finding.deemed_accepted_on == due + datetime.timedelta(1)
    assert "deemed accepted" in finding.history.first().history_change_reason
    versions = finding.history.count()
    assert services.finding_mark_lapsed_replies(today=due + datetime.timedelta(days=5)) == []
    assert finding.history.count() == versions


def test_comment_in_time_prevents_deemed_acceptance(world):
    answered = make_finding(world, S.ISSUED)
    services.response_create(
        by=user(world, "agency_respondent"),
        finding=answered,
        kind=ResponseKind.MANAGEMENT_COMMENT,
        body="We dispute the market price used.",
    )
    rejoined_only = make_finding(world, S.ISSUED)
    services.response_create(
        by=user(world, "team_auditor"),
        finding=rejoined_only,
        kind=ResponseKind.AUDITOR_REJOINDER,
        body="No reply received.",
    )
    later = answered.response_due + datetime.timedelta(days=3)
    marked = services.finding_mark_lapsed_replies(today=later)
    assert [f.pk for f in marked] == [rejoined_only.pk]


def test_drafts_and_closed_findings_are_not_deemed_accepted(world):
    draft = make_finding(world)
    closed = make_finding(world, S.CLOSED)
    far = timezone.localdate() + datetime.timedelta(days=400)
    assert services.finding_mark_lapsed_replies(today=far) == []
    for finding in (draft, closed):
        finding.refresh_from_db()
        assert not finding.deemed_accepted


# --- recommendations ---------------------------------------------------------------------------


def test_recommendation_copies_the_scope_key(world):
    finding = make_finding(world)
    recommendation = add_recommendation(world, finding)
    assert recommendation.engagement_id == world.engagement.pk
    assert recommendation.status == RecommendationStatus.NOT_IMPLEMENTED


@pytest.mark.parametrize("actor", ["supervisor", "outsider_auditor", "agency_respondent"])
def test_outsiders_cannot_add_recommendations_to_drafts(world, actor):
    finding = make_finding(world)
    with pytest.raises(NotPermitted):
        services.recommendation_create(by=user(world, actor), finding=finding, text="t")
    assert not Recommendation.objects.exists()


def test_recommendation_edit_after_issue_needs_reason(world):
    finding = make_finding(world)
    recommendation = add_recommendation(world, finding)
    services.finding_transition(finding, by=user(world, "team_leader"), to=S.FOR_REVIEW)
    services.finding_transition(finding, by=user(world, "supervisor"), to=S.ISSUED)
    with pytest.raises(ValidationError):
        services.recommendation_update(recommendation, by=user(world, "team_leader"), text="New")
    services.recommendation_update(
        recommendation,
        by=user(world, "team_leader"),
        text="New",
        target_date=datetime.date(2027, 6, 30),
        change_reason="Agreed at exit conference",
    )
    recommendation.refresh_from_db()
    assert recommendation.text == "New"
    assert recommendation.history.first().history_change_reason == "Agreed at exit conference"


@pytest.mark.parametrize("actor", ["team_leader", "team_auditor"])
def test_team_auditors_set_recommendation_status(world, actor):
    finding = make_finding(world, S.ISSUED)
    recommendation = add_recommendation(world, finding)
    moved = services.recommendation_transition(
        recommendation, by=user(world, actor), to=RecommendationStatus.ONGOING, reason="Works began"
    )
    assert moved.status == RecommendationStatus.ONGOING
    assert moved.history.first().history_change_reason == "Works began"


@pytest.mark.parametrize(
    "actor", ["team_cso", "supervisor", "sai_admin", "agency_respondent", "oversight"]
)
def test_others_do_not_set_recommendation_status(world, actor):
    recommendation = add_recommendation(world, make_finding(world, S.ISSUED))
    with pytest.raises(NotPermitted):
        services.recommendation_transition(
            recommendation, by=user(world, actor), to=RecommendationStatus.ONGOING, reason="r"
        )


def test_recommendation_status_waits_for_issue_and_needs_reason(world):
    recommendation = add_recommendation(world, make_finding(world, S.FOR_REVIEW))
    with pytest.raises(TransitionNotAllowed):
        services.recommendation_transition(
            recommendation,
            by=user(world, "team_leader"),
            to=RecommendationStatus.ONGOING,
            reason="r",
        )
    issued = add_recommendation(world, make_finding(world, S.ISSUED))
    with pytest.raises(ValidationError):
        services.recommendation_transition(
            issued, by=user(world, "team_leader"), to=RecommendationStatus.ONGOING
        )
    with pytest.raises(TransitionNotAllowed):
        services.recommendation_transition(
            issued,
            by=user(world, "team_leader"),
            to=RecommendationStatus.NOT_IMPLEMENTED,
            reason="r",
        )


# --- reiteration ---------------------------------------------------------------------------------


@pytest.fixture
def closed_world(world):
    finding = make_finding(world, S.ISSUED)
    recommendation = add_recommendation(world, finding)
    world.engagement.status = EngagementStatus.CLOSED
    world.engagement.save()
    follow_up = EngagementFactory(
        sai=world.sai,
        auditee=world.agency,
        status=EngagementStatus.PLANNING,
        follow_up_of=world.engagement,
    )
    MemberFactory(engagement=follow_up, user=user(world, "team_leader"), role=TeamRole.TEAM_LEADER)
    return world, recommendation, follow_up


def test_reiterate_into_a_follow_up(closed_world):
    world, recommendation, follow_up = closed_world
    copy = services.recommendation_reiterate(
        recommendation, by=user(world, "team_leader"), into_engagement=follow_up
    )
    assert copy.reiterated_from == recommendation
    assert copy.engagement == follow_up and copy.text == recommendation.text
    assert copy.finding.status == S.DRAFT
    assert copy.finding.title == f"Reiterated: {recommendation.finding.title}"
    assert copy.finding.engagement == follow_up
    with pytest.raises(Conflict):
        services.recommendation_reiterate(
            recommendation, by=user(world, "team_leader"), into_engagement=follow_up
        )


def test_reiterate_refusals(closed_world):
    world, recommendation, follow_up = closed_world
    stranger = EngagementFactory(sai=world.sai, status=EngagementStatus.PLANNING)
    MemberFactory(engagement=stranger, user=user(world, "team_leader"), role=TeamRole.TEAM_LEADER)
    with pytest.raises(ValidationError):
        services.recommendation_reiterate(
            recommendation, by=user(world, "team_leader"), into_engagement=stranger
        )
    with pytest.raises(NotPermitted):
        services.recommendation_reiterate(
            recommendation, by=user(world, "outsider_auditor"), into_engagement=follow_up
        )
    recommendation.status = RecommendationStatus.IMPLEMENTED
    recommendation.save()
    with pytest.raises(Conflict):
        services.recommendation_reiterate(
            recommendation, by=user(world, "team_leader"), into_engagement=follow_up
        )
    assert not Recommendation.objects.filter(engagement=follow_up).exists()
    assert not Finding.objects.filter(engagement=follow_up).exists()


def test_reiterate_needs_a_closed_source(world):
    recommendation = add_recommendation(world, make_finding(world, S.ISSUED))
    target = EngagementFactory(sai=world.sai, auditee=world.agency)
    MemberFactory(engagement=target, user=user(world, "team_leader"), role=TeamRole.TEAM_LEADER)
    with pytest.raises(Conflict):
        services.recommendation_reiterate(
            recommendation, by=user(world, "team_leader"), into_engagement=target
        )


# --- responses --------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["agency_respondent", "parent_agency_respondent"])
def test_agency_respondents_answer_issued_findings(world, actor):
    finding = make_finding(world, S.ISSUED)
    recommendation = add_recommendation(world, finding)
    response = services.response_create(
        by=user(world, actor),
        finding=finding,
        kind=ResponseKind.ACTION_PLAN,
        body="We will re-measure by June.",
        recommendation=recommendation,
        attachments=[pdf_upload()],
    )
    assert response.engagement_id == world.engagement.pk and response.author == user(world, actor)
    attachment = response.attachments.get()
    assert attachment.engagement_id == world.engagement.pk
    assert attachment.original_filename == "reply.pdf" and len(attachment.sha256) == 64
    assert evidence_storage().exists(attachment.file.name)


@pytest.mark.parametrize(
    ("actor", "kind"),
    [
        ("other_agency_respondent", ResponseKind.MANAGEMENT_COMMENT),
        ("team_leader", ResponseKind.MANAGEMENT_COMMENT),
        ("oversight", ResponseKind.MANAGEMENT_COMMENT),
        ("agency_respondent", ResponseKind.AUDITOR_REJOINDER),
        ("team_cso", ResponseKind.AUDITOR_REJOINDER),
        ("supervisor", ResponseKind.AUDITOR_REJOINDER),
        ("outsider_auditor", ResponseKind.AUDITOR_REJOINDER),
    ],
)
def test_wrong_author_for_the_kind(world, actor, kind):
    finding = make_finding(world, S.ISSUED)
    with pytest.raises(NotPermitted):
        services.response_create(by=user(world, actor), finding=finding, kind=kind, body="b")
    assert not Response.objects.exists()


@pytest.mark.parametrize("status", [S.DRAFT, S.FOR_REVIEW, S.CLOSED])
def test_no_response_unless_issued(world, status):
    finding = make_finding(world, status)
    with pytest.raises(Conflict):
        services.response_create(
            by=user(world, "team_auditor"),
            finding=finding,
            kind=ResponseKind.AUDITOR_REJOINDER,
            body="b",
        )
    assert not Response.objects.exists()


def test_refused_attachment_leaves_no_row_and_no_file(world, tmp_path):
    finding = make_finding(world, S.ISSUED)
    script = SimpleUploadedFile("x.html", b"<html><script>alert(1)</script></html>")
    with pytest.raises(UnsupportedFileType):
        services.response_create(
            by=user(world, "agency_respondent"),
            finding=finding,
            kind=ResponseKind.MANAGEMENT_COMMENT,
            body="See attached",
            attachments=[pdf_upload(), script],
        )
    assert not Response.objects.exists() and not ResponseAttachment.objects.exists()
    stored = tmp_path / "media" / "evidence"
    assert not stored.exists() or not [p for p in stored.rglob("*") if p.is_file()]


def test_recommendation_of_another_finding_is_refused(world):
    finding = make_finding(world, S.ISSUED)
    other = add_recommendation(world, make_finding(world, S.ISSUED))
    with pytest.raises(ValidationError):
        services.response_create(
            by=user(world, "agency_respondent"),
            finding=finding,
            kind=ResponseKind.STATUS_UPDATE,
            body="Done",
            recommendation=other,
        )
    assert not Response.objects.exists()
