"""The finding pages: who sees which page, forms post through the services, errors shown."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import escape

from audits.choices import FindingStatus, RecommendationStatus, ResponseKind
from audits.models import Evidence, Finding, Recommendation, Response
from audits.services.findings import (
    finding_create,
    finding_transition,
    finding_update,
    recommendation_create,
    response_create,
)
from tests.world import build_world

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
SEES_DRAFTS = [
    "sai_admin",
    "supervisor",
    "team_leader",
    "team_auditor",
    "team_cso",
    "granted_expert",
]
NEVER_SEES = ["outsider_auditor", "outsider_cso", "other_agency_respondent", "lapsed_cso"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """build_world() makes 13 users; the production hasher would spend seconds on them."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def evidence_of():
    def make(world, engagement=None, **fields):
        fields.setdefault("kind", "photo")
        fields.setdefault("description", "Photo of the dike")
        return Evidence.objects.create(
            engagement=engagement or world.engagement,
            submitted_by=world.users["team_cso"],
            file="evidence/2026/01/0123456789abcdef.jpg",
            sha256="0" * 64,
            size=1234,
            content_type="image/jpeg",
            **fields,
        )

    return make


def draft(world, **fields):
    fields.setdefault("title", "Dike segment left unpaved")
    fields.setdefault("condition", "Segment 3 of the dike was left unpaved.")
    fields.setdefault("criteria", "The contract requires a paved crest.")
    fields.setdefault("cause", "The works were accepted without inspection.")
    fields.setdefault("effect", "The crest erodes in the rain.")
    finding = finding_create(by=world.users["team_leader"], engagement=world.engagement, **fields)
    # Complete, so it may go for review: one recommendation.
    recommendation_create(by=world.users["team_leader"], finding=finding, text="Pave segment 3.")
    return finding


def issue(world, finding):
    if not finding.recommendations.exists():  # a finding leaves the team complete
        recommendation_create(
            by=world.users["team_leader"], finding=finding, text="Pave segment 3."
        )
    finding_transition(finding, by=world.users["team_leader"], to=FindingStatus.FOR_REVIEW)
    return finding_transition(finding, by=world.users["supervisor"], to=FindingStatus.ISSUED)


def as_user(client, world, name):
    if name != "anonymous":
        client.force_login(world.users[name])
    return client


# --- who sees which page -------------------------------------------------------------------


@pytest.mark.parametrize("name", SEES_DRAFTS)
def test_team_and_sai_see_a_draft(client, world, name):
    finding = draft(world)
    response = as_user(client, world, name).get(reverse("finding-detail", args=[finding.pk]))
    assert response.status_code == 200
    assert "Segment 3 of the dike was left unpaved." in response.content.decode()


@pytest.mark.parametrize("name", [*NEVER_SEES, "agency_respondent", "oversight"])
def test_outsiders_and_the_agency_get_404_for_a_draft(client, world, name):
    finding = draft(world)
    for url_name in ("finding-detail", "finding-history"):
        response = as_user(client, world, name).get(reverse(url_name, args=[finding.pk]))
        assert response.status_code == 404


def test_anonymous_is_sent_to_login(client, world):
    finding = draft(world)
    response = client.get(reverse("finding-detail", args=[finding.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", ["agency_respondent", "parent_agency_respondent"])
def test_the_auditee_sees_an_issued_finding_with_a_reply_form(client, world, name):
    finding = issue(world, draft(world))
    page = as_user(client, world, name).get(reverse("finding-detail", args=[finding.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="response-form"' in html
    assert "Management comment" in html
    assert 'id="finding-editor"' not in html  # read-only for the agency


def test_other_agency_gets_404_for_an_issued_finding(client, world):
    finding = issue(world, draft(world))
    client.force_login(world.users["other_agency_respondent"])
    assert client.get(reverse("finding-detail", args=[finding.pk])).status_code == 404


def test_new_finding_page_404_outside_scope_and_403_for_a_non_member_who_can_see(client, world):
    url = reverse("finding-new", args=[world.engagement.pk])
    client.force_login(world.users["outsider_auditor"])
    assert client.get(url).status_code == 404
    client.force_login(world.users["granted_expert"])
    assert client.get(url).status_code == 403
    client.force_login(world.users["team_cso"])
    assert client.get(url).status_code == 200


# --- the editor ----------------------------------------------------------------------------


def test_team_member_drafts_a_finding_with_evidence(client, world, evidence_of):
    item = evidence_of(world)
    client.force_login(world.users["team_cso"])
    response = client.post(
        reverse("finding-new", args=[world.engagement.pk]),
        {
            "title": "Missing riprap",
            "condition": "No riprap along 200 m.",
            "criteria": "Plan sheet 4 requires riprap.",
            "cause": "Contractor omission.",
            "effect": "Erosion risk.",
            "severity": "high",
            "amount": "1250000.00",
            "evidence": [item.pk],
        },
    )
    finding = Finding.objects.get(title="Missing riprap")
    assert response.status_code == 302
    assert response["Location"] == reverse("finding-detail", args=[finding.pk])
    assert finding.status == FindingStatus.DRAFT
    assert finding.reference  # assigned by the service
    assert list(finding.evidence.values_list("pk", flat=True)) == [item.pk]


def test_editor_lists_the_engagement_evidence(client, world, evidence_of):
    item = evidence_of(world, description="Photo of the unpaved segment")
    other = evidence_of(world, engagement=world.other_engagement, description="Elsewhere")
    client.force_login(world.users["team_auditor"])
    html = client.get(reverse("finding-new", args=[world.engagement.pk])).content.decode()
    assert f'value="{item.pk}"' in html
    assert "Photo of the unpaved segment" in html
    assert "Elsewhere" not in html and f'name="evidence" value="{other.pk}"' not in html


def test_bad_input_is_shown_and_nothing_is_saved(client, world, evidence_of):
    other = evidence_of(world, engagement=world.other_engagement)
    client.force_login(world.users["team_auditor"])
    response = client.post(
        reverse("finding-new", args=[world.engagement.pk]),
        {"title": "", "severity": "medium", "amount": "-5", "evidence": [other.pk]},
    )
    assert response.status_code == 400
    assert response.context["finding_form"].errors.keys() >= {"title", "amount", "evidence"}
    assert not Finding.objects.exists()


def test_service_refusal_becomes_a_form_error(client, world):
    world.engagement.status = "follow_up"
    world.engagement.save()
    client.force_login(world.users["team_auditor"])
    response = client.post(
        reverse("finding-new", args=[world.engagement.pk]),
        {"title": "Late", "severity": "low"},
    )
    assert response.status_code == 400
    assert "not in Follow-up" in response.content.decode()
    assert not Finding.objects.exists()


def test_team_member_edits_a_draft(client, world):
    finding = draft(world)
    client.force_login(world.users["team_cso"])
    response = client.post(
        reverse("finding-detail", args=[finding.pk]),
        {
            "title": "Dike segment unpaved",
            "condition": "Segment 3 is unpaved.",
            "severity": "critical",
            "reference": finding.reference,
        },
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.severity == "critical"
    assert finding.condition == "Segment 3 is unpaved."


def test_issued_finding_needs_a_change_reason(client, world):
    finding = issue(world, draft(world))
    client.force_login(world.users["team_leader"])
    url = reverse("finding-detail", args=[finding.pk])
    assert 'name="change_reason"' in client.get(url).content.decode()
    data = {
        "title": finding.title,
        "condition": "Segment 3 was left partly unpaved.",
        "severity": "medium",
        "reference": finding.reference,
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "change_reason" in response.context["finding_form"].errors
    finding.refresh_from_db()
    assert finding.condition == "Segment 3 of the dike was left unpaved."

    response = client.post(url, {**data, "change_reason": "Corrected after the exit conference"})
    assert response.status_code == 302
    latest = finding.history.latest()
    assert latest.history_change_reason == "Corrected after the exit conference"
    assert latest.condition == "Segment 3 was left partly unpaved."


def test_team_auditor_may_not_post_edits_to_an_issued_finding(client, world):
    finding = issue(world, draft(world))
    client.force_login(world.users["team_auditor"])
    url = reverse("finding-detail", args=[finding.pk])
    assert 'id="finding-editor"' not in client.get(url).content.decode()
    response = client.post(url, {"title": "x", "severity": "low", "change_reason": "because"})
    assert response.status_code == 403
    finding.refresh_from_db()
    assert finding.title == "Dike segment left unpaved"


# --- workflow buttons ----------------------------------------------------------------------


def test_only_the_moves_the_user_may_make_are_offered(client, world):
    finding = draft(world)
    url = reverse("finding-detail", args=[finding.pk])
    client.force_login(world.users["team_leader"])
    assert 'data-move="for_review"' in client.get(url).content.decode()
    client.force_login(world.users["team_cso"])
    assert 'data-move="for_review"' not in client.get(url).content.decode()


def test_team_leader_submits_and_supervisor_issues(client, world):
    finding = draft(world)
    url = reverse("finding-transition", args=[finding.pk])
    client.force_login(world.users["team_leader"])
    assert client.post(url, {"to": "for_review"}).status_code == 302
    client.force_login(world.users["supervisor"])
    response = client.post(url, {"to": "issued", "confirmed": "1"}, follow=True)
    finding.refresh_from_db()
    assert finding.status == FindingStatus.ISSUED
    assert finding.response_due == timezone.localdate() + datetime.timedelta(days=15)
    due = formats.date_format(finding.response_due, "DATE_FORMAT")
    agency = finding.engagement.auditee
    expected = f"The finding was issued to {agency}; they have until {due} to reply."
    assert escape(expected) in response.content.decode()


def test_refused_move_is_a_message_not_an_error_page(client, world):
    finding = draft(world)
    client.force_login(world.users["team_cso"])
    response = client.post(
        reverse("finding-transition", args=[finding.pk]), {"to": "for_review"}, follow=True
    )
    assert response.status_code == 200
    assert "Your role may not make this change of status." in response.content.decode()
    finding.refresh_from_db()
    assert finding.status == FindingStatus.DRAFT


def test_return_to_draft_needs_a_reason(client, world):
    finding = draft(world)
    finding_transition(finding, by=world.users["team_leader"], to=FindingStatus.FOR_REVIEW)
    client.force_login(world.users["supervisor"])
    url = reverse("finding-transition", args=[finding.pk])
    response = client.post(url, {"to": "draft", "reason": ""}, follow=True)
    assert "A reason is required" in response.content.decode()
    finding.refresh_from_db()
    assert finding.status == FindingStatus.FOR_REVIEW
    client.post(url, {"to": "draft", "reason": "Add the amount"})
    finding.refresh_from_db()
    assert finding.status == FindingStatus.DRAFT


def test_impossible_move_is_a_message(client, world):
    finding = draft(world)
    client.force_login(world.users["supervisor"])
    response = client.post(
        reverse("finding-transition", args=[finding.pk]), {"to": "closed"}, follow=True
    )
    assert "Cannot change status" in response.content.decode()


def test_transition_404_outside_scope(client, world):
    finding = draft(world)
    client.force_login(world.users["outsider_auditor"])
    response = client.post(reverse("finding-transition", args=[finding.pk]), {"to": "for_review"})
    assert response.status_code == 404


# --- recommendations -----------------------------------------------------------------------


def test_team_member_adds_a_recommendation(client, world):
    finding = draft(world)
    client.force_login(world.users["team_cso"])
    response = client.post(
        reverse("recommendation-add", args=[finding.pk]),
        {"text": "Pave segment 3 before the rains.", "target_date": "2026-12-31"},
    )
    assert response.status_code == 302
    recommendation = finding.recommendations.get(text__startswith="Pave segment 3 before")
    assert recommendation.target_date == datetime.date(2026, 12, 31)


def test_empty_recommendation_is_refused_with_a_message(client, world):
    finding = draft(world)
    client.force_login(world.users["team_cso"])
    response = client.post(reverse("recommendation-add", args=[finding.pk]), {"text": ""})
    assert response.status_code == 400
    assert "text" in response.context["recommendation_form"].errors
    assert Recommendation.objects.count() == 1  # only the one the draft was written with


def test_agency_cannot_add_a_recommendation(client, world):
    finding = issue(world, draft(world))
    client.force_login(world.users["agency_respondent"])
    response = client.post(reverse("recommendation-add", args=[finding.pk]), {"text": "Mine"})
    assert response.status_code == 400
    assert "Once issued, only the team leader" in response.content.decode()
    assert not Recommendation.objects.filter(text="Mine").exists()


def test_team_auditor_sets_a_recommendation_status_with_a_reason(client, world):
    finding = issue(world, draft(world))
    recommendation = recommendation_create(
        by=world.users["team_leader"], finding=finding, text="Pave it"
    )
    client.force_login(world.users["team_auditor"])
    url = reverse("recommendation-transition", args=[recommendation.pk])
    response = client.post(url, {"to": "ongoing", "reason": "Validated on site"})
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.ONGOING
    client.force_login(world.users["agency_respondent"])
    client.post(url, {"to": "implemented", "reason": "We did it"})
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.ONGOING


# --- replies -------------------------------------------------------------------------------


def test_agency_posts_a_management_comment_with_an_attachment(client, world):
    finding = issue(world, draft(world))
    client.force_login(world.users["agency_respondent"])
    response = client.post(
        reverse("response-add", args=[finding.pk]),
        {
            "kind": ResponseKind.MANAGEMENT_COMMENT,
            "body": "The segment will be paved in January.",
            "attachments": [SimpleUploadedFile("site.png", PNG, content_type="image/png")],
        },
    )
    assert response.status_code == 302
    reply = Response.objects.get()
    assert reply.author == world.users["agency_respondent"]
    attachment = reply.attachments.get()
    assert attachment.original_filename == "site.png"

    client.force_login(world.users["team_auditor"])
    page = client.get(reverse("finding-detail", args=[finding.pk])).content.decode()
    assert "The segment will be paved in January." in page
    assert "Write a rejoinder" in page
    download = client.get(reverse("response-attachment", args=[attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    client.force_login(world.users["other_agency_respondent"])
    assert client.get(reverse("response-attachment", args=[attachment.pk])).status_code == 404


def test_agency_may_not_post_a_rejoinder(client, world):
    finding = issue(world, draft(world))
    client.force_login(world.users["agency_respondent"])
    response = client.post(
        reverse("response-add", args=[finding.pk]),
        {"kind": ResponseKind.AUDITOR_REJOINDER, "body": "Pretending"},
    )
    assert response.status_code == 400
    assert "kind" in response.context["response_form"].errors
    assert not Response.objects.exists()


def test_rejected_attachment_is_shown_and_leaves_nothing(client, world):
    finding = issue(world, draft(world))
    client.force_login(world.users["agency_respondent"])
    response = client.post(
        reverse("response-add", args=[finding.pk]),
        {
            "kind": ResponseKind.MANAGEMENT_COMMENT,
            "body": "See the script",
            "attachments": [SimpleUploadedFile("x.exe", b"MZ\x90\x00" * 10)],
        },
    )
    assert response.status_code == 400
    assert response.context["response_form"].non_field_errors()
    assert not Response.objects.exists()


def test_auditor_posts_a_rejoinder(client, world):
    finding = issue(world, draft(world))
    client.force_login(world.users["team_auditor"])
    response = client.post(
        reverse("response-add", args=[finding.pk]),
        {"kind": ResponseKind.MANAGEMENT_COMMENT, "body": "The comment does not address it."},
    )
    assert response.status_code == 302
    assert Response.objects.get().kind == ResponseKind.AUDITOR_REJOINDER


def test_no_reply_form_on_a_draft_and_posting_is_refused(client, world):
    finding = draft(world)
    client.force_login(world.users["team_auditor"])
    assert (
        'id="response-form"'
        not in client.get(reverse("finding-detail", args=[finding.pk])).content.decode()
    )
    response = client.post(reverse("response-add", args=[finding.pk]), {"body": "x"})
    assert response.status_code == 403


# --- the agency's inbox and the engagement section ---------------------------------------------


def test_agency_inbox_lists_what_awaits_with_days_left(client, world):
    finding = issue(world, draft(world))
    recommendation_create(by=world.users["team_leader"], finding=finding, text="Pave segment 3")
    client.force_login(world.users["agency_respondent"])
    html = client.get(reverse("home")).content.decode()
    assert 'id="agency-inbox"' in html
    assert finding.title in html
    assert "15 days left" in html
    assert "Pave segment 3" in html


def test_inbox_drops_a_finding_once_commented(client, world):
    finding = issue(world, draft(world))
    response_create(
        by=world.users["agency_respondent"],
        finding=finding,
        kind=ResponseKind.MANAGEMENT_COMMENT,
        body="Noted",
    )
    client.force_login(world.users["agency_respondent"])
    html = client.get(reverse("home")).content.decode()
    assert "management comment due" not in html


def test_inbox_is_only_for_agency_respondents(client, world):
    issue(world, draft(world))
    client.force_login(world.users["team_leader"])
    assert 'id="agency-inbox"' not in client.get(reverse("home")).content.decode()


def test_engagement_page_lists_the_findings_the_user_may_see(client, world):
    issued = issue(world, draft(world, title="Issued one"))
    draft(world, title="Still a draft")
    client.force_login(world.users["team_cso"])
    html = client.get(reverse("engagement-detail", args=[world.engagement.pk])).content.decode()
    assert "Issued one" in html and "Still a draft" in html
    assert reverse("finding-new", args=[world.engagement.pk]) in html
    client.force_login(world.users["agency_respondent"])
    html = client.get(reverse("engagement-detail", args=[world.engagement.pk])).content.decode()
    assert "Issued one" in html and "Still a draft" not in html
    assert reverse("finding-detail", args=[issued.pk]) in html


def test_deemed_accepted_badge(client, world):
    finding = issue(world, draft(world))
    finding.deemed_accepted_on = finding.response_due + datetime.timedelta(days=1)
    finding.save()
    client.force_login(world.users["team_leader"])
    html = client.get(reverse("engagement-detail", args=[world.engagement.pk])).content.decode()
    assert "Deemed accepted" in html


# --- version comparison --------------------------------------------------------------------


def test_history_page_shows_word_level_changes(client, world):
    finding = issue(world, draft(world))
    finding_update(
        finding,
        by=world.users["team_leader"],
        change_reason="Exit conference",
        condition="Segment 3 of the dike was left partly unpaved.",
    )
    client.force_login(world.users["agency_respondent"])
    url = reverse("finding-history", args=[finding.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Exit conference" in html
    assert "<ins>partly </ins>" in html
    versions = [entry["version"] for entry in page.context["entries"]]
    oldest, newest = min(versions), max(versions)
    html = client.get(url, {"a": newest, "b": oldest}).content.decode()
    assert "<ins>partly </ins>" in html
    assert client.get(url, {"a": "999", "b": "x"}).status_code == 200


def test_history_of_a_recommendation(client, world):
    finding = draft(world)
    recommendation = recommendation_create(
        by=world.users["team_leader"], finding=finding, text="Pave it"
    )
    client.force_login(world.users["team_cso"])
    response = client.get(reverse("recommendation-history", args=[recommendation.pk]))
    assert response.status_code == 200
    client.force_login(world.users["agency_respondent"])
    response = client.get(reverse("recommendation-history", args=[recommendation.pk]))
    assert response.status_code == 404


def test_finding_page_query_count_does_not_grow_with_recommendations_or_replies(
    client, world, django_assert_max_num_queries
):
    finding = issue(world, draft(world))
    recommendation_create(by=world.users["team_leader"], finding=finding, text="R")
    response_create(
        by=world.users["agency_respondent"],
        finding=finding,
        kind=ResponseKind.STATUS_UPDATE,
        body="First",
    )
    client.force_login(world.users["team_auditor"])
    url = reverse("finding-detail", args=[finding.pk])
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for number in range(10):
        recommendation_create(by=world.users["team_leader"], finding=finding, text=f"S{number}")
        response_create(
            by=world.users["agency_respondent"],
            finding=finding,
            kind=ResponseKind.STATUS_UPDATE,
            body=f"Update {number}",
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


# --- a refused reply keeps its attachments (issue 9) ----------------------------------------

KEPT_TOKEN = re.compile(r'name="kept_token" value="([^"]+)"')


def refused_reply_with_png(client, finding) -> str:
    response = client.post(
        reverse("response-add", args=[finding.pk]),
        {
            "kind": ResponseKind.MANAGEMENT_COMMENT,
            "body": "",
            "attachments": [SimpleUploadedFile("site.png", PNG, content_type="image/png")],
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Already chosen" in html and "site.png" in html
    return KEPT_TOKEN.search(html).group(1)


def reply_with_token(client, finding, token):
    return client.post(
        reverse("response-add", args=[finding.pk]),
        {"kind": ResponseKind.MANAGEMENT_COMMENT, "body": "Paved in January.", "kept_token": token},
    )


def test_a_refused_reply_is_resubmitted_with_only_the_token_and_gets_the_attachment(client, world):
    finding = issue(world, draft(world))
    client.force_login(world.users["agency_respondent"])
    token = refused_reply_with_png(client, finding)
    assert reply_with_token(client, finding, token).status_code == 302
    attachment = Response.objects.get().attachments.get()
    assert attachment.original_filename == "site.png"


def test_a_reply_token_from_another_session_is_refused(client, world):
    from django.test import Client

    finding = issue(world, draft(world))
    client.force_login(world.users["agency_respondent"])
    token = refused_reply_with_png(client, finding)
    other = Client()
    other.force_login(world.users["agency_respondent"])  # the same person, another session
    assert reply_with_token(other, finding, token).status_code == 302
    assert not Response.objects.get().attachments.exists()


def test_an_expired_reply_token_is_not_used(client, world, monkeypatch):
    from audits.services.kept_uploads import KEPT_FOR

    finding = issue(world, draft(world))
    client.force_login(world.users["agency_respondent"])
    token = refused_reply_with_png(client, finding)
    later = timezone.now() + KEPT_FOR + datetime.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert reply_with_token(client, finding, token).status_code == 302
    assert not Response.objects.get().attachments.exists()
