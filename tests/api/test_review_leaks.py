# ruff: noqa: E501  (the table of odd input reads best one request a line)
"""Adversarial review: nothing the caller may not see leaks through list filters or
history, and odd input is a 400, never a 500."""

import pytest
from django.utils.dateparse import parse_datetime

from audits.choices import EngagementStatus, FindingStatus, SanctionKind
from audits.models import Sanction
from audits.services.findings import (
    finding_create,
    finding_transition,
    finding_update,
    recommendation_update,
)
from audits.services.sanctions import sanction_create
from tests.conftest import client_for
from tests.findings_setup import PATH, add_recommendation, make_finding
from tests.world import build_world

pytestmark = pytest.mark.django_db

MISSING = 999_999


@pytest.fixture
def world():
    return build_world(EngagementStatus.FIELDWORK)


def _outsider_finding(world):
    return finding_create(
        by=world.users["outsider_auditor"],
        engagement=world.other_engagement,
        title="Elsewhere",
        condition="Not yours to see.",
    )


def _filter_statuses(client, url, invisible_id):
    return (
        client.get(f"{url}{invisible_id}").status_code,
        client.get(f"{url}{MISSING}").status_code,
    )


@pytest.mark.parametrize(
    ("endpoint", "param"),
    [
        ("findings", "engagement"),
        ("evidence", "engagement"),
        ("recommendations", "engagement"),
        ("responses", "engagement"),
        ("sanctions", "engagement"),
    ],
)
def test_filter_by_an_invisible_engagement_reads_like_a_missing_one(world, endpoint, param):
    client = client_for(world.users["agency_respondent"])
    url = f"/api/v1/{endpoint}/?{param}="
    invisible, missing = _filter_statuses(client, url, world.other_engagement.pk)
    assert invisible == missing == 400


@pytest.mark.parametrize("endpoint", ["recommendations", "responses", "sanctions"])
def test_filter_by_a_draft_finding_reads_like_a_missing_one_for_the_agency(world, endpoint):
    draft = make_finding(world)
    client = client_for(world.users["agency_respondent"])
    invisible, missing = _filter_statuses(client, f"/api/v1/{endpoint}/?finding=", draft.pk)
    assert invisible == missing == 400


def test_filter_by_another_teams_finding_reads_like_a_missing_one(world):
    other = _outsider_finding(world)
    client = client_for(world.users["team_cso"])
    url = "/api/v1/recommendations/?finding="
    assert _filter_statuses(client, url, other.pk) == (400, 400)


def test_filter_by_an_invisible_author_reads_like_a_missing_one(world):
    client = client_for(world.users["agency_respondent"])
    url = "/api/v1/responses/?author="
    assert _filter_statuses(client, url, world.users["supervisor"].pk) == (400, 400)


def test_filter_by_a_visible_id_still_filters(world):
    finding = make_finding(world)
    client = client_for(world.users["team_cso"])
    response = client.get(f"/api/v1/findings/?engagement={world.engagement.pk}")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [finding.pk]


def _issued_after_a_draft_edit(world):
    finding = make_finding(world, FindingStatus.DRAFT, condition="First draft: fraud by Mr X")
    recommendation = add_recommendation(world, finding, text="Draft wording: sue Mr X")
    finding_update(finding, by=world.users["team_leader"], condition="Overpriced cement")
    for actor, target, reason in PATH[FindingStatus.ISSUED]:
        finding = finding_transition(finding, by=world.users[actor], to=target, reason=reason)
    return finding, recommendation


@pytest.mark.parametrize("actor", ["agency_respondent", "oversight"])
def test_published_readers_do_not_see_draft_versions_in_finding_history(world, actor):
    world.engagement.status = EngagementStatus.REPORTING
    world.engagement.save()
    finding, _recommendation = _issued_after_a_draft_edit(world)
    body = client_for(world.users[actor]).get(f"/api/v1/findings/{finding.pk}/history/").json()
    assert "First draft" not in str(body)
    # Only the issuing version, numbered 1: a number never tells how many drafts there were.
    assert [entry["version"] for entry in body] == [1]
    team = client_for(world.users["team_cso"]).get(f"/api/v1/findings/{finding.pk}/history/")
    assert "First draft" in str(team.json())
    assert len(team.json()) == 4


def _issued_after_a_recommendation_edit(world):
    finding = make_finding(world, FindingStatus.DRAFT)
    recommendation = add_recommendation(world, finding, text="Draft wording: sue Mr X")
    recommendation = recommendation_update(
        recommendation,
        by=world.users["team_leader"],
        text="Recover the overpayment",
        change_reason="Reviewer: keep names out",
    )
    for actor, target, reason in PATH[FindingStatus.ISSUED]:
        finding = finding_transition(finding, by=world.users[actor], to=target, reason=reason)
    return finding, recommendation


def _history(world, actor, kind, pk):
    response = client_for(world.users[actor]).get(f"/api/v1/{kind}/{pk}/history/")
    assert response.status_code == 200
    return response.json()


def test_agency_sees_a_recommendation_as_issued_never_its_draft_wording(world):
    finding, recommendation = _issued_after_a_recommendation_edit(world)
    body = _history(world, "agency_respondent", "recommendations", recommendation.pk)
    assert "Draft wording" not in str(body) and "Reviewer" not in str(body)
    [baseline] = body
    assert baseline["version"] == 1  # numbered from 1: hidden drafts leave no trace
    assert baseline["user"] is None and baseline["user_name"] is None
    assert baseline["change_reason"] == "As issued to the agency"
    assert baseline["history_type"] == "+"
    issued_at = finding.history.get(status=FindingStatus.ISSUED).history_date
    assert parse_datetime(baseline["timestamp"]) == issued_at
    changes = {change["field"]: change for change in baseline["changes"]}
    assert changes["text"] == {"field": "text", "old": None, "new": "Recover the overpayment"}
    assert all(change["old"] is None for change in baseline["changes"])


def test_the_team_still_sees_the_whole_history_of_a_recommendation(world):
    _finding, recommendation = _issued_after_a_recommendation_edit(world)
    body = _history(world, "team_auditor", "recommendations", recommendation.pk)
    assert [entry["version"] for entry in body] == [2, 1]
    assert body[0]["change_reason"] == "Reviewer: keep names out"
    assert body[0]["user"] == world.users["team_leader"].pk
    assert body[0]["changes"] == [
        {"field": "text", "old": "Draft wording: sue Mr X", "new": "Recover the overpayment"}
    ]


def test_oversight_sees_a_recommendation_edited_after_issue_from_its_issued_text(world):
    world.engagement.status = EngagementStatus.REPORTING  # oversight reads reported files
    world.engagement.save()
    _finding, recommendation = _issued_after_a_recommendation_edit(world)
    recommendation_update(
        recommendation,
        by=world.users["team_leader"],
        text="Recover the overpayment within 30 days",
        change_reason="Exit conference",
    )
    body = _history(world, "oversight", "recommendations", recommendation.pk)
    assert "Draft wording" not in str(body)
    assert [entry["version"] for entry in body] == [2, 1]
    assert body[0]["change_reason"] == "Exit conference"
    assert body[0]["changes"] == [
        {
            "field": "text",
            "old": "Recover the overpayment",
            "new": "Recover the overpayment within 30 days",
        }
    ]


def test_agency_sees_a_finding_as_issued_then_its_later_edits(world):
    finding, _recommendation = _issued_after_a_draft_edit(world)
    finding_update(
        finding,
        by=world.users["team_leader"],
        condition="Overpriced cement and sand",
        change_reason="Agency data",
    )
    body = _history(world, "agency_respondent", "findings", finding.pk)
    assert "First draft" not in str(body)
    assert [entry["version"] for entry in body] == [2, 1]
    edit, baseline = body
    assert edit["change_reason"] == "Agency data"
    assert edit["user"] == world.users["team_leader"].pk
    assert edit["changes"] == [
        {"field": "condition", "old": "Overpriced cement", "new": "Overpriced cement and sand"}
    ]
    assert baseline["change_reason"] == "As issued to the agency" and baseline["user"] is None
    changes = {change["field"]: change["new"] for change in baseline["changes"]}
    assert changes["condition"] == "Overpriced cement"
    assert changes["status"] == FindingStatus.ISSUED
    assert all(change["old"] is None for change in baseline["changes"])
    team = _history(world, "team_cso", "findings", finding.pk)
    assert [entry["version"] for entry in team] == [5, 4, 3, 2, 1]
    assert "First draft" in str(team)


def _sanction(world, kind=SanctionKind.DISALLOWANCE):
    finding = make_finding(world, FindingStatus.ISSUED)
    return sanction_create(
        by=world.users["team_leader"],
        finding=finding,
        kind=kind,
        reference="ND-2026-001",
        amount="1000.00",
        liabilities=[{"name": "A. Cruz", "share_percent": "100"}],
    )


def test_agency_sees_the_whole_history_of_a_sanction(world):
    sanction = _sanction(world)
    client = client_for(world.users["agency_respondent"])
    body = client.get(f"/api/v1/sanctions/{sanction.pk}/history/").json()
    assert [entry["version"] for entry in body] == [1]


@pytest.mark.parametrize("kind", [SanctionKind.DISALLOWANCE, SanctionKind.SUSPENSION])
def test_a_date_of_receipt_past_the_calendar_is_400(world, kind):
    sanction = _sanction(world, kind)
    client = client_for(world.users["team_leader"])
    response = client.patch(
        f"/api/v1/sanctions/{sanction.pk}/",
        {"received_on": "9999-12-31", "change_reason": "Typo"},
        format="json",
    )
    assert response.status_code == 400
    assert "received_on" in response.json()
    sanction.refresh_from_db()
    assert sanction.received_on.year < 9999


def test_a_sanction_issued_past_the_calendar_is_400(world):
    finding = make_finding(world, FindingStatus.ISSUED)
    client = client_for(world.users["team_leader"])
    response = client.post(
        "/api/v1/sanctions/",
        {
            "finding": finding.pk,
            "kind": SanctionKind.SUSPENSION,
            "reference": "NS-1",
            "amount": "5.00",
            "persons_liable": ["A. Cruz"],
            "issued_on": "9999-12-31",
        },
        format="json",
    )
    assert response.status_code == 400
    assert not Sanction.objects.exists()


@pytest.mark.parametrize("value", ["²", "٣", "1" * 40, "-1", "1.0", ""])
def test_totals_reject_ids_that_are_not_plain_numbers(world, value):
    client = client_for(world.users["supervisor"])
    response = client.get("/api/v1/sanctions/totals/", {"agency": value})
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "a\u0000b"),
        ("condition", "a\u0000b"),
        ("amount", "NaN"),
        ("amount", "Infinity"),
        ("amount", "1e400"),
        ("title", "x" * 10_000),
        ("title", ["a", "b"]),
        ("evidence", "abc"),
        ("evidence", [10**30]),
    ],
)
def test_odd_finding_input_is_400(world, field, value):
    client = client_for(world.users["team_leader"])
    body = {"engagement": world.engagement.pk, "title": "t", "condition": "c", field: value}
    response = client.post("/api/v1/findings/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()


NUL = "a\u0000b"


def test_odd_api_input_is_never_a_500(world):
    draft = make_finding(world)
    rec = add_recommendation(world, draft)
    issued = make_finding(world, FindingStatus.ISSUED)
    s = sanction_create(
        by=world.users["team_leader"],
        finding=issued,
        kind=SanctionKind.DISALLOWANCE,
        amount="100.00",
        liabilities=[{"name": "A", "share_percent": 100}],
        reference="ND-1",
    )
    c = client_for(world.users["team_leader"])
    e = world.engagement.pk
    reqs = [
        (
            "post",
            "/api/v1/engagements/",
            {
                "reference": NUL,
                "title": NUL,
                "subject": "x",
                "auditee": world.agency.pk,
                "period_start": "2024-01-01",
                "period_end": "2024-12-31",
                "amount_audited": "1.00",
                "location": "x",
            },
        ),
        ("patch", f"/api/v1/engagements/{e}/", {"title": NUL}),
        ("patch", f"/api/v1/engagements/{e}/", {"amount_audited": "NaN"}),
        ("patch", f"/api/v1/engagements/{e}/", {"amount_audited": "Infinity"}),
        ("patch", f"/api/v1/engagements/{e}/", {"amount_audited": "1e400"}),
        ("patch", f"/api/v1/engagements/{e}/", {"amount_audited": 10**30}),
        ("patch", f"/api/v1/engagements/{e}/", {"period_start": "0000-00-00"}),
        ("patch", f"/api/v1/engagements/{e}/", {"title": "x" * 10000}),
        ("patch", f"/api/v1/engagements/{e}/", {"title": ["a", "b"]}),
        ("patch", f"/api/v1/engagements/{e}/", {"auditee": [1]}),
        ("patch", f"/api/v1/engagements/{e}/", {"follow_up_of": 10**30}),
        ("patch", f"/api/v1/engagements/{e}/", {"change_reason": NUL, "title": "zz"}),
        ("post", f"/api/v1/engagements/{e}/transition/", {"to": NUL, "reason": NUL}),
        ("post", f"/api/v1/engagements/{e}/transition/", {"to": "reporting", "reason": NUL}),
        ("post", f"/api/v1/engagements/{e}/members/", {"user": 10**30, "role": "auditor"}),
        ("post", f"/api/v1/engagements/{e}/members/", {"user": [1], "role": NUL}),
        ("post", "/api/v1/findings/", {"engagement": e, "title": NUL, "condition": NUL}),
        (
            "post",
            "/api/v1/findings/",
            {"engagement": e, "title": "t", "condition": "c", "amount": "NaN"},
        ),
        (
            "post",
            "/api/v1/findings/",
            {"engagement": e, "title": "t", "condition": "c", "amount": "sNaN"},
        ),
        (
            "post",
            "/api/v1/findings/",
            {"engagement": e, "title": "t", "condition": "c", "evidence": [10**30]},
        ),
        (
            "post",
            "/api/v1/findings/",
            {"engagement": e, "title": "t", "condition": "c", "evidence": "abc"},
        ),
        ("post", "/api/v1/findings/", {"engagement": 10**30, "title": "t", "condition": "c"}),
        (
            "post",
            "/api/v1/findings/",
            {"engagement": e, "title": "t" * 10000, "condition": "c", "reference": "r" * 10000},
        ),
        ("patch", f"/api/v1/findings/{draft.pk}/", {"condition": NUL}),
        ("patch", f"/api/v1/findings/{draft.pk}/", {"change_reason": NUL, "title": "x"}),
        ("post", "/api/v1/recommendations/", {"finding": draft.pk, "text": NUL}),
        (
            "post",
            "/api/v1/recommendations/",
            {"finding": draft.pk, "text": "x", "target_date": "0000-00-00"},
        ),
        (
            "post",
            "/api/v1/recommendations/",
            {"finding": draft.pk, "text": "x", "target_date": "9999-12-31"},
        ),
        ("patch", f"/api/v1/recommendations/{rec.pk}/", {"text": NUL}),
        ("post", f"/api/v1/recommendations/{rec.pk}/transition/", {"to": "ongoing", "reason": NUL}),
        ("post", f"/api/v1/recommendations/{rec.pk}/reiterate/", {"engagement": 10**30}),
        (
            "post",
            "/api/v1/responses/",
            {"finding": issued.pk, "kind": "auditor_rejoinder", "body": NUL},
        ),
        (
            "post",
            "/api/v1/responses/",
            {"finding": 10**30, "kind": "auditor_rejoinder", "body": "x"},
        ),
        ("post", "/api/v1/responses/", {"finding": [1], "kind": "auditor_rejoinder", "body": "x"}),
        (
            "post",
            "/api/v1/responses/",
            {
                "finding": issued.pk,
                "kind": "auditor_rejoinder",
                "body": "x",
                "recommendation": 10**30,
            },
        ),
        (
            "post",
            "/api/v1/sanctions/",
            {
                "finding": issued.pk,
                "kind": "notice_of_charge",
                "amount": "5",
                "persons_liable": [NUL],
                "reference": NUL,
            },
        ),
        (
            "post",
            "/api/v1/sanctions/",
            {
                "finding": issued.pk,
                "kind": "notice_of_charge",
                "amount": "NaN",
                "persons_liable": ["A"],
            },
        ),
        (
            "post",
            "/api/v1/sanctions/",
            {
                "finding": issued.pk,
                "kind": "notice_of_charge",
                "amount": "5",
                "persons_liable": ["A"],
                "issued_on": "0000-00-00",
            },
        ),
        (
            "post",
            "/api/v1/sanctions/",
            {
                "finding": issued.pk,
                "kind": "notice_of_charge",
                "amount": "5",
                "persons_liable": ["A"],
                "issued_on": "9999-12-31",
            },
        ),
        (
            "post",
            "/api/v1/sanctions/",
            {
                "finding": issued.pk,
                "kind": "notice_of_charge",
                "amount": "5",
                "liabilities": [{"name": NUL, "position": NUL, "share_percent": "NaN"}],
            },
        ),
        (
            "post",
            "/api/v1/sanctions/",
            {
                "finding": issued.pk,
                "kind": "notice_of_charge",
                "amount": "5",
                "liabilities": [{"name": "a", "share_percent": "1e300"}],
            },
        ),
        (
            "post",
            "/api/v1/sanctions/",
            {"finding": issued.pk, "kind": "notice_of_charge", "amount": "5", "liabilities": "abc"},
        ),
        ("patch", f"/api/v1/sanctions/{s.pk}/", {"reference": NUL, "change_reason": NUL}),
        (
            "patch",
            f"/api/v1/sanctions/{s.pk}/",
            {"received_on": "9999-12-31", "change_reason": "x"},
        ),
        (
            "post",
            f"/api/v1/sanctions/{s.pk}/payments/",
            {"paid_on": "2026-01-01", "amount": "1", "receipt_reference": NUL},
        ),
        (
            "post",
            f"/api/v1/sanctions/{s.pk}/payments/",
            {"paid_on": "9999-12-31", "amount": "1", "receipt_reference": "r"},
        ),
        (
            "post",
            f"/api/v1/sanctions/{s.pk}/payments/",
            {"paid_on": "2026-01-01", "amount": "Infinity", "receipt_reference": "r"},
        ),
        ("get", f"/api/v1/sanctions/totals/?engagement={10**30}", None),
        ("get", f"/api/v1/sanctions/totals/?agency={10**30}", None),
        ("get", "/api/v1/sanctions/totals/?agency=%C2%B2", None),
        (
            "post",
            "/api/v1/sanctions/",
            {
                "finding": issued.pk,
                "kind": "notice_of_charge",
                "amount": "5",
                "persons_liable": ["A"],
                "reference": "Z-1",
                "issued_on": "9999-12-31",
            },
        ),
        (
            "post",
            "/api/v1/sanctions/",
            {
                "finding": issued.pk,
                "kind": "notice_of_suspension",
                "amount": "5",
                "persons_liable": ["A"],
                "reference": "Z-2",
                "issued_on": "9999-12-31",
            },
        ),
        ("get", f"/api/v1/sanctions/?finding={10**30}", None),
        ("get", f"/api/v1/engagements/{10**30}/members/", None),
        ("get", f"/api/v1/users/{10**30}/", None),
        ("get", f"/api/v1/evidence/{10**30}/file/", None),
        ("get", f"/api/v1/findings/?engagement={10**30}", None),
        ("get", "/api/v1/findings/?response_due_before=0000-00-00", None),
        ("get", "/api/v1/findings/?title=%00", None),
        ("get", "/api/v1/findings/?engagement=%00", None),
        ("get", "/api/v1/findings/?ordering=%00", None),
        ("get", "/api/v1/findings/?page=%00", None),
        ("get", "/api/v1/findings/?page_size=%00", None),
        ("get", "/api/v1/findings/?page_size=99999999999999999999999", None),
        ("get", f"/api/v1/findings/{10**30}/", None),
        ("get", f"/api/v1/responses/1/attachments/{10**30}/file/", None),
        ("post", "/api/v1/auth/token/", {"username": NUL, "password": NUL}),
        ("post", "/api/v1/users/", {"username": NUL, "password": "x"}),
    ]
    bad = []
    for verb, url, body in reqs:
        try:
            r = getattr(c, verb)(url, body, format="json") if body is not None else c.get(url)
            code = r.status_code
        except Exception as error:  # noqa: BLE001
            code = repr(error)[:200]
        if not isinstance(code, int) or code >= 500:
            bad.append((verb, url, code))
    assert bad == []


@pytest.mark.parametrize("verb", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("actor", ["team_leader", "supervisor", "sai_admin"])
def test_history_cannot_be_written_through_the_api(world, verb, actor):
    finding = make_finding(world, FindingStatus.ISSUED)
    before = list(finding.history.values_list("history_id", "title", "history_change_reason"))
    client = client_for(world.users[actor])
    url = f"/api/v1/findings/{finding.pk}/history/"
    response = getattr(client, verb)(url, {"change_reason": "rewritten"}, format="json")
    assert response.status_code == 405
    after = list(finding.history.values_list("history_id", "title", "history_change_reason"))
    assert after == before
