import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits.choices import EngagementStatus, FindingStatus
from audits.history import compare_versions, history_entries, word_diff
from audits.models import Finding
from audits.services import findings as services
from tests.conftest import client_for
from tests.findings_setup import PATH, add_recommendation, make_evidence, make_finding
from tests.world import build_world


def test_word_diff_marks_words_and_rebuilds_both_texts():
    old = "The contractor billed 1,200 bags at PHP 560 each."
    new = "The supplier billed 1,200 bags at PHP 610 each, twice."
    parts = word_diff(old, new)
    assert ("delete", "contractor") in parts and ("insert", "supplier") in parts
    assert ("delete", "560") in parts and ("insert", "610") in parts
    assert "".join(text for op, text in parts if op != "insert") == old
    assert "".join(text for op, text in parts if op != "delete") == new
    assert {op for op, _text in parts} <= {"equal", "insert", "delete"}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("", "", []),
        ("same text", "same text", [("equal", "same text")]),
        ("", "new", [("insert", "new")]),
        ("gone", "", [("delete", "gone")]),
        (None, "a b", [("insert", "a b")]),
    ],
)
def test_word_diff_edges(old, new, expected):
    assert word_diff(old, new) == expected


@pytest.fixture
def world(db):
    return build_world(status=EngagementStatus.FIELDWORK)


def test_compare_versions_side_by_side(world):
    receipt = make_evidence(world.engagement, world.users["team_leader"])
    finding = make_finding(world, condition="Cement billed at PHP 560 a bag.")
    services.finding_update(
        finding,
        by=world.users["team_cso"],
        condition="Cement billed at PHP 610 a bag.",
        severity="high",
        evidence=[receipt],
    )
    rows = {row["field"]: row for row in compare_versions(finding, 1, 2)}
    assert rows["condition"]["changed"] and ("insert", "610") in rows["condition"]["diff"]
    assert rows["severity"]["old_display"] == "Medium" and rows["severity"]["new"] == "high"
    assert rows["severity"]["diff"] is None  # not a long text field
    assert rows["title"]["changed"] is False and rows["title"]["diff"] is None
    assert rows["evidence"]["old"] == [] and rows["evidence"]["new"] == [receipt.pk]
    assert rows["condition"]["label"] == "condition"
    reversed_rows = {row["field"]: row for row in compare_versions(finding, 2, 1)}
    assert reversed_rows["condition"]["old"] == "Cement billed at PHP 610 a bag."
    for bad in (0, 3, "x", None):
        with pytest.raises(Http404):
            compare_versions(finding, 1, bad)


def test_history_lists_evidence_changes_and_costs_the_same_for_many_versions(
    world, django_assert_num_queries
):
    receipt = make_evidence(world.engagement, world.users["team_leader"])
    photo = make_evidence(world.engagement, world.users["team_cso"])
    finding = make_finding(world, evidence=[receipt])
    services.finding_update(finding, by=world.users["team_cso"], evidence=[receipt, photo])
    entries = history_entries(finding)
    assert entries[0]["changes"] == [
        {"field": "evidence", "old": [receipt.pk], "new": sorted([receipt.pk, photo.pk])}
    ]
    assert entries[-1]["version"] == 1 and entries[-1]["changes"]
    with CaptureQueriesContext(connection) as few:
        history_entries(finding)
    for number in range(30):
        services.finding_update(
            finding, by=world.users["team_cso"], evidence=[receipt] if number % 2 else [photo]
        )
    with django_assert_num_queries(len(few)):
        assert len(history_entries(finding)) == 33


@pytest.mark.django_db
def test_history_survives_every_later_change(world):
    finding = make_finding(world, condition="First wording")
    first = finding.history.earliest("history_date")
    services.finding_update(finding, by=world.users["team_leader"], condition="Second")
    add_recommendation(world, finding)  # complete, so it may go for review
    services.finding_transition(finding, by=world.users["team_leader"], to=FindingStatus.FOR_REVIEW)
    services.finding_transition(finding, by=world.users["supervisor"], to=FindingStatus.ISSUED)
    services.finding_update(
        finding, by=world.users["supervisor"], condition="Third", change_reason="Agency data"
    )
    records = list(finding.history.order_by("history_date", "history_id"))
    assert [r.condition for r in records][:2] == ["First wording", "Second"]
    assert records[0].history_id == first.history_id and records[0].condition == "First wording"
    assert records[-1].history_change_reason == "Agency data"
    assert len(history_entries(finding)) == len(records) == 5


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_no_api_edits_or_deletes_history(world, method):
    finding = make_finding(world)
    versions = finding.history.count()
    url = f"/api/v1/findings/{finding.pk}/history/"
    for actor in ("sai_admin", "supervisor", "team_leader"):
        response = getattr(client_for(world.users[actor]), method)(url, {"condition": "x"})
        assert response.status_code == 405
    assert Finding.history.filter(id=finding.pk).count() == versions


@pytest.mark.django_db
def test_agency_compares_a_recommendation_as_issued_with_its_later_versions(client, world):
    finding = make_finding(world)
    recommendation = add_recommendation(world, finding, text="Draft wording: sue Mr X")
    services.recommendation_update(
        recommendation, by=world.users["team_leader"], text="Recover the overpayment"
    )
    for actor, target, reason in PATH[FindingStatus.ISSUED]:
        finding = services.finding_transition(
            finding, by=world.users[actor], to=target, reason=reason
        )
    services.recommendation_update(
        recommendation,
        by=world.users["team_leader"],
        text="Recover the overpayment in full",
        change_reason="Exit conference",
    )
    client.force_login(world.users["agency_respondent"])
    url = reverse("recommendation-history", args=[recommendation.pk])
    page = client.get(url)
    assert [entry["version"] for entry in page.context["entries"]] == [2, 1]  # from 1
    assert (page.context["version_a"], page.context["version_b"]) == (1, 2)
    html = page.content.decode()
    assert "As issued to the agency" in html and "overpayment<ins> in full</ins>" in html
    assert "Draft wording" not in html
    hidden = client.get(url, {"a": 1, "b": 3})  # a hidden draft version is not on offer
    assert (hidden.context["version_a"], hidden.context["version_b"]) == (1, 2)
    assert "Draft wording" not in hidden.content.decode()
