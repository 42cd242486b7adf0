import hashlib
import io
import tracemalloc
from pathlib import Path

import pytest
from django.test.client import ClientHandler

from audits.choices import EngagementStatus, Role, TeamRole
from audits.models import Evidence, EvidenceAccess
from audits.models.files import evidence_storage
from security.services.tokens import token_create
from tests import evidence_samples as samples
from tests.api.matrix import ACTORS, EndpointMatrix
from tests.conftest import client_for
from tests.factories import (
    EngagementFactory,
    EvidenceFactory,
    IssuedFindingFactory,
    MemberFactory,
    UserFactory,
    link_evidence,
)
from tests.world import build_world

pytestmark = pytest.mark.django_db
MB = 1024 * 1024
URL = "/api/v1/evidence/"
SAI_AND_TEAM = {
    "sai_admin",
    "supervisor",
    "team_leader",
    "team_auditor",
    "team_cso",
    "granted_expert",
}
AGENCY_AND_OVERSIGHT = {"agency_respondent", "parent_agency_respondent", "oversight"}
# Filing: the team only. Roles that can never be on a team are refused before the body
# is read (403); a supervisor or a granted outsider who sees the engagement gets 403 from
# the service; someone who cannot see the engagement gets 400 (unknown engagement).
CREATE = {
    "team_leader": 201,
    "team_auditor": 201,
    "team_cso": 201,
    "lapsed_cso": 400,
    "outsider_auditor": 400,
    "outsider_cso": 400,
}


def stored_files() -> list[Path]:
    root = Path(evidence_storage().location)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


class EvidenceMatrix(EndpointMatrix):
    list_url = URL
    create = CREATE
    update = {}  # nobody: 405 to whoever sees it, 404 to the others
    delete = {}

    def expected(self, actor, table, *, detail=True):
        if table in (self.update, self.delete) and table == {} and actor != "anonymous":
            return 405 if actor in self.visible else 404
        return super().expected(actor, table, detail=detail)

    def subject(self, world):
        return EvidenceFactory(engagement=world.engagement, submitted_by=world.users["team_cso"])

    def create_payload(self, world):
        return {
            "engagement": world.engagement.pk,
            "kind": "photo",
            "file": samples.upload(samples.jpeg_bytes(), "site.jpg", "image/jpeg"),
        }

    def update_payload(self, world, obj):
        return {"description": "changed"}

    @pytest.mark.parametrize("actor", ACTORS)
    def test_create(self, actor):
        world, _obj = self.setup_world()
        before = Evidence.objects.count()
        client = client_for(world.actor(actor))
        response = client.post(self.list_url, self.create_payload(world), format="multipart")
        expected = self.expected(actor, self.create, detail=False)
        assert response.status_code == expected, (actor, response.content)
        assert Evidence.objects.count() == before + (expected == 201)


class TestEvidenceInFieldworkMatrix(EvidenceMatrix):
    """Evidence not linked to an issued finding: the team and the SAI only."""

    status = EngagementStatus.FIELDWORK
    visible = SAI_AND_TEAM


class TestEvidenceOfIssuedFindingMatrix(EvidenceMatrix):
    """Evidence linked to an issued finding: the agency and oversight see it too."""

    status = EngagementStatus.REPORTING
    visible = SAI_AND_TEAM | AGENCY_AND_OVERSIGHT

    def subject(self, world):
        evidence = super().subject(world)
        link_evidence(IssuedFindingFactory(engagement=world.engagement), evidence)
        return evidence


class TestEvidenceOfDraftFindingMatrix(EvidenceMatrix):
    status = EngagementStatus.REPORTING
    visible = SAI_AND_TEAM

    def subject(self, world):
        evidence = super().subject(world)
        finding = IssuedFindingFactory(engagement=world.engagement, status="draft")
        finding.evidence.add(evidence)
        return evidence


# --- the file ------------------------------------------------------------------------------


@pytest.fixture
def world(db):
    return build_world(status=EngagementStatus.REPORTING)


def post(client, world, content, name="f.bin", **fields):
    payload = {"engagement": world.engagement.pk, "kind": "document", **fields}
    payload["file"] = samples.upload(content, name)
    return client.post(URL, payload, format="multipart")


@pytest.mark.parametrize(
    ("content", "content_type", "disposition"),
    [
        (samples.jpeg_bytes(), "image/jpeg", "inline"),
        (samples.PDF, "application/pdf", "attachment"),
        (samples.TEXT, "text/plain", "attachment"),
        (samples.DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "attachment"),
    ],
)  # fmt: skip
def test_file_returns_the_exact_bytes_with_safe_headers(world, content, content_type, disposition):
    team_cso = client_for(world.users["team_cso"])
    created = post(team_cso, world, content, "upload.x").json()
    assert created["sha256"] == hashlib.sha256(content).hexdigest()
    assert created["content_type"] == content_type
    response = client_for(world.users["supervisor"]).get(f"{URL}{created['id']}/file/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith(disposition)
    access = EvidenceAccess.objects.get()
    assert (access.user, access.action) == (world.users["supervisor"], "download")


def test_file_is_404_for_those_who_may_not_see_and_401_for_anonymous(world):
    evidence = EvidenceFactory(engagement=world.engagement)
    for actor in ["outsider_auditor", "agency_respondent", "oversight", "lapsed_cso"]:
        response = client_for(world.users[actor]).get(f"{URL}{evidence.pk}/file/")
        assert response.status_code == 404, actor
    assert client_for(None).get(f"{URL}{evidence.pk}/file/").status_code == 401
    assert not EvidenceAccess.objects.exists()


def test_file_is_served_to_the_agency_once_linked_to_an_issued_finding(world):
    evidence = EvidenceFactory(engagement=world.engagement)
    link_evidence(IssuedFindingFactory(engagement=world.engagement), evidence)
    response = client_for(world.users["agency_respondent"]).get(f"{URL}{evidence.pk}/file/")
    assert response.status_code == 200
    assert (
        b"".join(response.streaming_content) == evidence_storage().open(evidence.file.name).read()
    )
    assert EvidenceAccess.objects.get().user == world.users["agency_respondent"]


def test_preview_is_served_and_audited_as_a_view(world):
    created = post(client_for(world.users["team_leader"]), world, samples.jpeg_bytes()).json()
    assert created["preview_url"].endswith(f"{URL}{created['id']}/preview/")
    response = client_for(world.users["team_auditor"]).get(created["preview_url"])
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
    assert EvidenceAccess.objects.get().action == "view"


def test_no_preview_for_a_document(world):
    created = post(client_for(world.users["team_leader"]), world, samples.PDF).json()
    assert created["preview_url"] is None
    response = client_for(world.users["team_leader"]).get(f"{URL}{created['id']}/preview/")
    assert response.status_code == 404


# --- filing through the API --------------------------------------------------------------


def test_filing_returns_api_md_fields_and_the_extensions(world):
    response = post(
        client_for(world.users["team_cso"]),
        world,
        samples.jpeg_bytes(),
        "../../IMG_0001.JPG",
        kind="photo",
        description="Dike segment 3",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    for field in ["id", "engagement", "kind", "description", "latitude", "longitude",
                  "captured_at", "sha256", "size", "content_type", "submitted_by",
                  "submitted_at", "supersedes", "superseded_by", "original_filename",
                  "preview_url", "file_url"]:  # fmt: skip
        assert field in body, field
    assert "file" not in body
    assert body["original_filename"] == "IMG_0001.JPG"
    assert body["submitted_by"] == world.users["team_cso"].pk
    assert body["latitude"] == "14.599500" and body["captured_at"].startswith("2026-11-20T09:15")
    assert response["ETag"]


@pytest.mark.parametrize(
    ("content", "fields", "status", "field"),
    [
        (b"", {}, 400, "file"),
        (samples.jpeg_bytes(size=(300, 200))[:900], {}, 400, "file"),
        (samples.EXE, {}, 415, "detail"),
        (samples.HTML, {}, 415, "detail"),
        (samples.SVG, {}, 415, "detail"),
        (samples.ZIP, {}, 415, "detail"),
        (samples.PDF, {"latitude": "200", "longitude": "1"}, 400, "latitude"),
        (samples.PDF, {"latitude": "1"}, 400, "longitude"),
        (samples.PDF, {"captured_at": "2999-01-01T00:00:00+08:00"}, 400, "captured_at"),
        (samples.PDF, {"kind": "selfie"}, 400, "kind"),
        (samples.PDF, {"supersedes": "999999"}, 400, "supersedes"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(world, content, fields, status, field):
    response = post(client_for(world.users["team_auditor"]), world, content, "x.pdf", **fields)
    assert response.status_code == status, response.content
    assert field in response.json()
    assert not Evidence.objects.exists() and stored_files() == []


def raw_multipart(world, file_name: str, content: bytes) -> tuple[bytes, str]:
    """A multipart body with the file name exactly as given (the test client would strip it)."""
    boundary = "BoUnDaRy"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="engagement"\r\n\r\n'
        f"{world.engagement.pk}\r\n",
        f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\ndocument\r\n',
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="{file_name}"\r\nContent-Type: application/pdf\r\n\r\n',
    ]
    body = "".join(parts).encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize(
    "file_name", ["../../etc/passwd", "..\\..\\windows\\win.ini", "a\x00b.pdf", "a\x07b.pdf"]
)
def test_a_file_name_with_a_path_or_control_characters_is_refused(world, file_name):
    body, content_type = raw_multipart(world, file_name, samples.PDF)
    client = client_for(world.users["team_auditor"])
    response = client.generic("POST", URL, body, content_type=content_type)
    assert response.status_code == 400, response.content
    assert "file name" in response.json()["detail"]
    assert not Evidence.objects.exists() and stored_files() == []


def test_a_plain_file_name_is_kept_as_metadata_only(world):
    body, content_type = raw_multipart(world, "site photo 1.pdf", samples.PDF)
    response = client_for(world.users["team_auditor"]).generic(
        "POST", URL, body, content_type=content_type
    )
    assert response.status_code == 201, response.content
    evidence = Evidence.objects.get()
    assert evidence.original_filename == "site photo 1.pdf"
    assert "site photo" not in evidence.file.name


@pytest.mark.parametrize("status", [EngagementStatus.PLANNING, EngagementStatus.CLOSED])
def test_filing_outside_fieldwork_and_reporting_is_refused(status):
    world = build_world(status=status)
    response = post(client_for(world.users["team_leader"]), world, samples.PDF)
    assert response.status_code == 409
    assert stored_files() == []


def test_filing_for_an_engagement_the_caller_is_not_on(world):
    response = post(client_for(world.users["outsider_auditor"]), world, samples.PDF)
    assert response.status_code == 400 and "engagement" in response.json()
    supervisor = post(client_for(world.users["supervisor"]), world, samples.PDF)
    assert supervisor.status_code == 403
    assert stored_files() == []


def test_a_correction_links_both_ways(world):
    client = client_for(world.users["team_cso"])
    first = post(client, world, samples.TEXT).json()
    second = post(client, world, samples.TEXT + b"corrected\n", supersedes=first["id"]).json()
    assert second["supersedes"] == first["id"]
    again = client.get(f"{URL}{first['id']}/").json()
    assert again["superseded_by"] == second["id"]
    third = post(client, world, samples.TEXT, supersedes=first["id"])
    assert third.status_code == 400 and "supersedes" in third.json()


def test_the_agency_does_not_learn_of_a_correction_it_may_not_see(world):
    team = client_for(world.users["team_cso"])
    first = post(team, world, samples.TEXT).json()
    post(team, world, samples.TEXT + b"v2", supersedes=first["id"])
    link_evidence(IssuedFindingFactory(engagement=world.engagement), first["id"])
    seen = client_for(world.users["agency_respondent"]).get(f"{URL}{first['id']}/").json()
    assert seen["superseded_by"] is None


def test_retry_with_client_reference_returns_the_first_item(world):
    client = client_for(world.users["team_cso"])
    first = post(client, world, samples.PDF, client_reference="abc")
    again = post(client, world, samples.PDF, client_reference="abc")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]


def test_filters_and_a_constant_number_of_queries(world, django_assert_max_num_queries):
    other = EngagementFactory(sai=world.sai, status=EngagementStatus.FIELDWORK)
    EvidenceFactory(engagement=world.engagement, kind="photo")
    EvidenceFactory(engagement=world.engagement, kind="survey")
    EvidenceFactory(engagement=other, kind="photo")
    client = client_for(world.users["supervisor"])
    rows = client.get(URL, {"engagement": world.engagement.pk}).json()["results"]
    assert {row["engagement"] for row in rows} == {world.engagement.pk} and len(rows) == 2
    photos = client.get(URL, {"kind": "photo"}).json()["results"]
    assert len(photos) == 2
    for _ in range(20):
        EvidenceFactory(engagement=world.engagement)
    with django_assert_max_num_queries(6):
        assert client.get(URL, {"page_size": 200}).status_code == 200


def test_history_lists_the_filing(world):
    created = post(client_for(world.users["team_cso"]), world, samples.PDF).json()
    history = client_for(world.users["team_leader"]).get(f"{URL}{created['id']}/history/")
    entries = history.json()
    assert len(entries) == 1 and entries[0]["user"] == world.users["team_cso"].pk


# --- size limit through the whole HTTP stack ----------------------------------------------


def multipart_file(path: Path, engagement_id: int, size: int, boundary="xYzBoUnDaRy") -> int:
    """Write a multipart body with a `size`-byte PDF to `path`, without holding it in memory."""
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="engagement"\r\n\r\n'
        f"{engagement_id}\r\n"
        f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\ndocument\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    block = bytes(range(256)) * 4096
    with path.open("wb") as body:
        body.write(head)
        body.write(samples.PDF)
        remaining = size - len(samples.PDF)
        while remaining > 0:
            body.write(block[: min(remaining, len(block))])
            remaining -= len(block)
        body.write(f"\r\n--{boundary}--\r\n".encode())
    return path.stat().st_size


def raw_post(user, path: Path, length: int, boundary="xYzBoUnDaRy", declared_length=None):
    """POST a body streamed from disk through Django's full request handling."""
    _token, secret = token_create(user=user)
    with path.open("rb") as stream:
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": URL,
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "wsgi.url_scheme": "http",
            "wsgi.input": stream,
            "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}",
            "CONTENT_LENGTH": str(declared_length or length),
            "HTTP_AUTHORIZATION": f"Token {secret}",
            "HTTP_ACCEPT": "application/json",
        }
        return ClientHandler(enforce_csrf_checks=True)(environ)


def test_thirty_megabytes_is_refused_with_413_before_it_is_stored(world, tmp_path):
    body = tmp_path / "body"
    length = multipart_file(body, world.engagement.pk, 30 * MB)
    response = raw_post(world.users["team_cso"], body, length)
    assert response.status_code == 413
    assert not Evidence.objects.exists() and stored_files() == []


def test_a_body_longer_than_declared_is_still_stopped_at_the_limit(world, tmp_path, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 2 * MB
    body = tmp_path / "body"
    length = multipart_file(body, world.engagement.pk, 3 * MB)
    # Django never reads past CONTENT_LENGTH, so a lying client only sends a cut-off file;
    # an honest length over the limit is stopped by the upload handler as it streams.
    response = raw_post(world.users["team_cso"], body, length)
    assert response.status_code == 413
    assert stored_files() == []


def test_twenty_megabytes_is_accepted_with_little_memory(world, tmp_path):
    user = world.users["team_cso"]
    warm_up = tmp_path / "small"
    # The first request imports and compiles code (about 4.5 MB traced): not the upload.
    assert (
        raw_post(user, warm_up, multipart_file(warm_up, world.engagement.pk, 1000)).status_code
        == 201
    )
    body = tmp_path / "body"
    length = multipart_file(body, world.engagement.pk, 20 * MB)
    tracemalloc.start()
    try:
        response = raw_post(user, body, length)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 201, response.content
    evidence = Evidence.objects.get(size=20 * MB)
    with evidence_storage().open(evidence.file.name) as stored:
        digest = hashlib.sha256()
        while chunk := stored.read(MB):
            digest.update(chunk)
    assert evidence.sha256 == digest.hexdigest()
    assert peak < 2 * MB, f"peak traced memory {peak / MB:.1f} MB"


def test_roles_that_never_file_are_refused_before_the_body_is_read(world):
    for actor in ["agency_respondent", "oversight", "sai_admin"]:
        response = post(client_for(world.users[actor]), world, samples.PDF)
        assert response.status_code == 403, actor
    assert stored_files() == []


def test_a_cso_auditor_on_the_team_files_and_others_of_the_cso_do_not(world):
    member = UserFactory(role=Role.CSO_AUDITOR, organization=world.cso)
    MemberFactory(engagement=world.engagement, user=member, role=TeamRole.CSO_AUDITOR)
    assert post(client_for(member), world, samples.CSV).status_code == 201
    response = post(client_for(world.users["outsider_cso"]), world, samples.CSV)
    assert response.status_code == 400
    assert io.BytesIO(samples.CSV).read() == samples.CSV


def test_each_row_of_a_list_links_its_own_file(world):
    items = [EvidenceFactory(engagement=world.engagement) for _ in range(3)]
    rows = client_for(world.users["supervisor"]).get(URL).json()["results"]
    urls = {row["id"]: row["file_url"] for row in rows}
    assert urls == {item.pk: f"http://testserver{URL}{item.pk}/file/" for item in items}
