# ruff: noqa: E501  (the table of odd input reads best one request a line)
"""Adversarial review of the pages: odd form input is a form error, never a 500, and the
version pages show published readers nothing from before a finding was issued."""

import pytest
from django.test import Client

from audits.choices import EngagementStatus, FindingStatus, SanctionKind
from audits.services.findings import finding_transition, finding_update
from audits.services.sanctions import sanction_create
from tests.findings_setup import PATH, add_recommendation, make_finding
from tests.world import build_world

pytestmark = pytest.mark.django_db

NUL = "a\u0000b"


@pytest.fixture
def world():
    return build_world(EngagementStatus.FIELDWORK)


def _page_client(user):
    client = Client()
    client.force_login(user)
    return client


def _sanction(world, finding):
    return sanction_create(
        by=world.users["team_leader"],
        finding=finding,
        kind=SanctionKind.SUSPENSION,
        reference="NS-2026-001",
        amount="1000.00",
        liabilities=[{"name": "A. Cruz", "share_percent": "100"}],
    )


def test_odd_form_input_is_never_a_500(world):
    draft = make_finding(world)
    rec = add_recommendation(world, draft)
    issued = make_finding(world, FindingStatus.ISSUED)
    sanction = _sanction(world, issued)
    e = world.engagement.pk
    client = _page_client(world.users["team_leader"])
    posts = [
        (
            "/engagements/new/",
            {
                "reference": NUL,
                "title": NUL,
                "subject": NUL,
                "auditee": world.agency.pk,
                "period_start": "0000-00-00",
                "period_end": "9999-12-31",
                "amount_audited": "NaN",
                "location": NUL,
            },
        ),
        (
            "/engagements/new/",
            {
                "reference": "R",
                "title": "T",
                "subject": "S",
                "auditee": [world.agency.pk, 1],
                "period_start": "2024-01-01",
                "period_end": "2024-12-31",
                "amount_audited": "Infinity",
                "location": "x" * 10000,
            },
        ),
        (f"/engagements/{e}/transition/", {"to": NUL, "reason": NUL}),
        (f"/engagements/{e}/members/", {"user": 10**30, "role": NUL}),
        (f"/engagements/{e}/members/", {"user": "abc", "role": "auditor"}),
        (
            f"/engagements/{e}/evidence/new/",
            {
                "kind": "photo",
                "description": NUL,
                "latitude": "NaN",
                "longitude": "Infinity",
                "captured_at": "0000-00-00",
                "supersedes": 10**30,
            },
        ),
        (
            f"/engagements/{e}/evidence/new/",
            {
                "kind": "photo",
                "description": "d",
                "latitude": "1e400",
                "longitude": "-1e400",
                "captured_at": "9999-12-31T23:59:59",
                "supersedes": "x",
            },
        ),
        (
            f"/engagements/{e}/findings/new/",
            {
                "title": NUL,
                "condition": NUL,
                "amount": "NaN",
                "severity": NUL,
                "evidence": [10**30],
            },
        ),
        (
            f"/engagements/{e}/findings/new/",
            {
                "title": "t",
                "condition": "c",
                "amount": "1e400",
                "severity": "low",
                "evidence": "abc",
                "reference": "r" * 10000,
            },
        ),
        (f"/findings/{draft.pk}/", {"title": NUL, "condition": NUL, "amount": "Infinity"}),
        (
            f"/findings/{issued.pk}/",
            {"title": "t", "condition": "c", "severity": "low", "change_reason": NUL},
        ),
        (f"/findings/{draft.pk}/transition/", {"to": NUL, "reason": NUL}),
        (f"/findings/{draft.pk}/recommendations/", {"text": NUL, "target_date": "0000-00-00"}),
        (f"/findings/{draft.pk}/recommendations/", {"text": "x", "target_date": "9999-12-31"}),
        (f"/recommendations/{rec.pk}/transition/", {"to": "ongoing", "reason": NUL}),
        (
            f"/findings/{issued.pk}/responses/",
            {"kind": "auditor_rejoinder", "body": NUL, "recommendation": 10**30},
        ),
        (f"/findings/{issued.pk}/responses/", {"kind": NUL, "body": "x", "recommendation": "abc"}),
        (
            f"/sanctions/{sanction.pk}/payments/",
            {"paid_on": "0000-00-00", "amount": "NaN", "receipt_reference": NUL},
        ),
        (
            f"/sanctions/{sanction.pk}/payments/",
            {"paid_on": "2026-01-01", "amount": "1e400", "receipt_reference": "r" * 10000},
        ),
        (
            f"/sanctions/{sanction.pk}/payments/",
            {"paid_on": "2026-01-01", "amount": "Infinity", "receipt_reference": "r"},
        ),
        (f"/sanctions/{sanction.pk}/transition/", {"to": NUL, "reason": NUL}),
    ]
    gets = [
        "/?page=%00",
        "/?page=99999999999999999999",
        f"/findings/{draft.pk}/history/?a=%00&b=99999999999999999999",
        f"/sanctions/{sanction.pk}/history/?a=-1&b=0",
        f"/findings/{10**30}/",
        f"/evidence/{10**30}/preview/",
        f"/responses/attachments/{10**30}/",
    ]
    bad = []
    for url, data in posts:
        try:
            code = client.post(url, data).status_code
        except Exception as error:  # noqa: BLE001
            code = repr(error)[:200]
        if not isinstance(code, int) or code >= 500:
            bad.append(url)
    for url in gets:
        try:
            code = client.get(url).status_code
        except Exception as error:  # noqa: BLE001
            code = repr(error)[:200]
        if not isinstance(code, int) or code >= 500:
            bad.append(url)
    assert bad == []


@pytest.mark.parametrize("evidence", [str(10**30), "abc", "²"])
def test_a_finding_form_with_an_impossible_evidence_id_is_a_form_error(world, evidence):
    client = _page_client(world.users["team_leader"])
    url = f"/engagements/{world.engagement.pk}/findings/new/"
    data = {"title": "t", "condition": "c", "severity": "low", "evidence": [evidence]}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "evidence" in response.context["form"].errors


def _issued_after_a_draft_edit(world):
    world.engagement.status = EngagementStatus.REPORTING
    world.engagement.save()
    finding = make_finding(world, FindingStatus.DRAFT, condition="First draft: fraud by Mr X")
    recommendation = add_recommendation(world, finding, text="Draft wording: sue Mr X")
    finding_update(finding, by=world.users["team_leader"], condition="Overpriced cement")
    for actor, target, reason in PATH[FindingStatus.ISSUED]:
        finding = finding_transition(finding, by=world.users[actor], to=target, reason=reason)
    return finding, recommendation


@pytest.mark.parametrize("query", ["", "?a=1&b=4", "?a=2&b=3"])
@pytest.mark.parametrize("actor", ["agency_respondent", "oversight"])
def test_finding_versions_page_hides_drafts_from_published_readers(world, actor, query):
    finding, _recommendation = _issued_after_a_draft_edit(world)
    response = _page_client(world.users[actor]).get(f"/findings/{finding.pk}/history/{query}")
    assert response.status_code == 200
    assert "First draft" not in response.content.decode()
    assert [entry["version"] for entry in response.context["entries"]] == [1]


def test_finding_versions_page_shows_drafts_to_the_team(world):
    finding, _recommendation = _issued_after_a_draft_edit(world)
    client = _page_client(world.users["team_cso"])
    response = client.get(f"/findings/{finding.pk}/history/?a=1&b=4")
    assert [entry["version"] for entry in response.context["entries"]] == [4, 3, 2, 1]
    assert "First" in response.content.decode()


def test_recommendation_versions_page_shows_the_agency_only_the_text_as_issued(world):
    _finding, recommendation = _issued_after_a_draft_edit(world)
    client = _page_client(world.users["agency_respondent"])
    response = client.get(f"/recommendations/{recommendation.pk}/history/?a=1&b=1")
    assert response.status_code == 200
    [baseline] = response.context["entries"]  # unchanged since issue: only "as issued"
    assert baseline["version"] == 1 and baseline["user"] is None
    assert baseline["change_reason"] == "As issued to the agency"
    assert {"field": "text", "old": None, "new": "Draft wording: sue Mr X"} in baseline["changes"]
