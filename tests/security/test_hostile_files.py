"""Hostile files and bodies: pixel bombs, overflowing EXIF dates, oversize attachments,
lying names, Office documents with a payload, aborted uploads, deep JSON, huge bodies."""

import io
import logging
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.test import Client
from django.test.client import FakePayload
from django.urls import reverse

from audits.choices import EngagementStatus, FindingStatus
from audits.models import Evidence, Response
from tests import evidence_samples as samples
from tests.conftest import client_for
from tests.findings_setup import make_finding
from tests.world import build_world

pytestmark = pytest.mark.django_db
URL = "/api/v1/evidence/"


@pytest.fixture
def world():
    return build_world(status=EngagementStatus.FIELDWORK)


def stored_files(settings) -> list[Path]:
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


def file_evidence(world, content, name="f.bin", user="team_cso"):
    return client_for(world.users[user]).post(
        URL,
        {"engagement": world.engagement.pk, "kind": "photo", "file": samples.upload(content, name)},
        format="multipart",
    )


def png_header(width, height) -> bytes:
    """A PNG whose header claims `width` × `height` and that holds almost no data."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("side", [30_000, 13_000])
def test_an_image_over_the_pixel_cap_is_a_415_before_decoding(world, settings, side):
    response = file_evidence(world, png_header(side, side), "bomb.png")
    assert response.status_code == 415, response.content
    assert "megapixels" in response.json()["detail"]
    assert not Evidence.objects.exists() and stored_files(settings) == []


def test_the_pixel_cap_is_configurable(world, settings):
    settings.EVIDENCE_MAX_PIXELS = 1000
    assert file_evidence(world, samples.jpeg_bytes(size=(64, 48)), "p.jpg").status_code == 415
    settings.EVIDENCE_MAX_PIXELS = 50_000_000
    assert file_evidence(world, samples.jpeg_bytes(size=(64, 48)), "p.jpg").status_code == 201


@pytest.mark.parametrize(
    ("taken", "offset"), [("9999:12:31 23:59:59", "-12:00"), ("0001:01:01 00:00:00", None)]
)
def test_an_exif_date_that_overflows_is_ignored(world, taken, offset):
    response = file_evidence(world, samples.jpeg_bytes(taken=taken, offset=offset), "p.jpg")
    assert response.status_code == 201, response.content
    evidence = Evidence.objects.get()
    assert evidence.latitude is not None  # the rest of the EXIF facts still count
    assert evidence.captured_at is None and response.json()["captured_at"] is None


def test_a_download_is_named_after_the_type_found_in_the_bytes(world):
    created = file_evidence(world, samples.TEXT, "invoice.html").json()
    response = client_for(world.users["supervisor"]).get(f"{URL}{created['id']}/file/")
    assert response["Content-Type"] == "text/plain"
    assert 'filename="invoice.txt"' in response["Content-Disposition"]


def test_a_pdf_is_a_sandboxed_download(world):
    created = file_evidence(world, samples.PDF, "report.pdf").json()
    response = client_for(world.users["supervisor"]).get(f"{URL}{created['id']}/file/")
    assert response["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response["Content-Security-Policy"]


def office(names, content_types=b"<Types/>", padding=0):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("word/document.xml", "<w:document/>")
        if padding:
            archive.writestr("word/media/image1.png", bytes(range(256)) * (padding // 256))
        for name in names:
            archive.writestr(name, b"MZ payload")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        office(["payload.exe"], padding=128 * 1024),  # beyond the first 64 KB
        office(["word/vbaProject.bin"], padding=128 * 1024),
        office(["customXml/vbaProject.bin"]),
        office([], content_types=b'<Default ContentType="application/vnd.ms-word.'
                                 b'document.macroEnabled.main+xml"/>'),
    ],
    ids=["payload.exe", "macro deep inside", "macro part elsewhere", "macro-enabled type"],
)  # fmt: skip
def test_office_documents_are_checked_over_the_whole_zip_directory(world, settings, content):
    response = file_evidence(world, content, "report.docx")
    assert response.status_code == 415, response.content
    assert not Evidence.objects.exists() and stored_files(settings) == []


def test_a_plain_docx_is_still_accepted(world):
    assert file_evidence(world, office([], padding=128 * 1024), "report.docx").status_code == 201


@pytest.fixture
def spooled(monkeypatch):
    """Counts the bytes Django's own upload handlers receive (memory or temporary file)."""
    received = []
    for handler in (MemoryFileUploadHandler, TemporaryFileUploadHandler):
        original = handler.receive_data_chunk

        def counting(self, raw_data, start, original=original):
            received.append(len(raw_data))
            return original(self, raw_data, start)

        monkeypatch.setattr(handler, "receive_data_chunk", counting)
    return received


BIG = b"line of text\n" * 300_000  # about 3.9 MB


def test_an_api_attachment_over_the_limit_is_stopped_while_it_arrives(world, settings, spooled):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024 * 1024
    finding = make_finding(world, FindingStatus.ISSUED)
    response = client_for(world.users["agency_respondent"]).post(
        "/api/v1/responses/",
        {"finding": finding.pk, "kind": "action_plan", "body": "Plan",
         "files": [SimpleUploadedFile("plan.txt", BIG)]},
        format="multipart",
    )  # fmt: skip
    assert response.status_code == 413
    assert sum(spooled) <= settings.EVIDENCE_MAX_UPLOAD_BYTES
    assert not Response.objects.exists() and stored_files(settings) == []


def test_a_web_reply_attachment_over_the_limit_is_stopped_while_it_arrives(
    world, settings, spooled
):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024 * 1024
    finding = make_finding(world, FindingStatus.ISSUED)
    browser = Client()
    browser.force_login(world.users["agency_respondent"])
    response = browser.post(
        reverse("response-add", args=[finding.pk]),
        {"kind": "action_plan", "body": "Plan", "attachments": [SimpleUploadedFile("p.txt", BIG)]},
    )
    assert response.status_code == 413
    assert sum(spooled) <= settings.EVIDENCE_MAX_UPLOAD_BYTES
    assert not Response.objects.exists() and stored_files(settings) == []


@pytest.fixture
def connection_resets(monkeypatch):
    """The client's connection breaks after the first chunk of the body."""
    original = FakePayload.read
    calls = []

    def read(self, *args, **kwargs):
        calls.append(1)
        if len(calls) > 1:
            raise OSError("Connection reset by peer")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(FakePayload, "read", read)


def test_an_aborted_api_upload_is_a_400_and_stores_nothing(
    world, settings, connection_resets, caplog
):
    with caplog.at_level(logging.WARNING, logger="security"):
        response = file_evidence(world, samples.jpeg_bytes() + b"\x00" * 200_000, "p.jpg")
    assert response.status_code == 400
    assert "interrupted" in response.json()["detail"]
    assert "aborted upload" in caplog.text
    assert not Evidence.objects.exists() and stored_files(settings) == []


def test_an_aborted_web_upload_is_a_400_and_stores_nothing(world, settings, connection_resets):
    browser = Client()
    browser.force_login(world.users["team_cso"])
    response = browser.post(
        reverse("evidence-new", args=[world.engagement.pk]),
        {
            "kind": "photo",
            "file": SimpleUploadedFile("p.jpg", samples.jpeg_bytes() + b"\x00" * 200_000),
        },
    )
    assert response.status_code == 400
    assert not Evidence.objects.exists() and stored_files(settings) == []


DEEP = "[" * 1000 + "]" * 1000


@pytest.mark.parametrize("user", [None, "supervisor"])
@pytest.mark.parametrize("path", ["/api/v1/auth/token/", "/api/v1/engagements/"])
def test_json_nested_a_thousand_deep_is_a_400(world, user, path):
    client = client_for(world.actor(user) if user else None)
    response = client.generic("POST", path, DEEP, content_type="application/json")
    assert (
        response.status_code in {400, 401}
        if user is None and path != "/api/v1/auth/token/"
        else response.status_code == 400
    )
    assert response["Content-Type"] == "application/json"


def test_a_body_over_the_limit_is_a_413_in_the_json_error_shape(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client = client_for(world.users["supervisor"])
    body = '{"title": "' + "x" * 20_000 + '"}'
    response = client.generic("POST", "/api/v1/engagements/", body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json" and "detail" in response.json()
    anonymous = client_for(None).generic(
        "POST", "/api/v1/auth/token/", body, content_type="application/json"
    )
    assert anonymous.status_code == 413 and "detail" in anonymous.json()


# --- 5xx that .ci/fuzz (schemathesis) found -----------------------------------------------


@pytest.mark.parametrize("body", ["[]", "[1, 2]", '"text"', "3"])
def test_a_json_body_that_is_not_an_object_is_a_400_on_responses(world, body):
    client = client_for(world.users["agency_respondent"])
    response = client.generic("POST", "/api/v1/responses/", body, content_type="application/json")
    assert response.status_code == 400, response.content


@pytest.mark.parametrize(
    "path", ["/api/v1/responses/0.5/", "/api/v1/engagements/null,null/members/", "/api/v1/nope/"]
)
def test_an_api_url_matching_no_route_is_a_json_404(world, path):
    response = client_for(world.users["supervisor"]).get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json" and "detail" in response.json()


def test_the_schema_describes_history_as_the_plain_list_it_is(world):
    schema = client_for(world.users["supervisor"]).get("/api/v1/schema/?format=json").json()
    answer = schema["paths"]["/api/v1/findings/{id}/history/"]["get"]["responses"]["200"]
    assert answer["content"]["application/json"]["schema"]["type"] == "array"
    errors = schema["paths"]["/api/v1/findings/{id}/"]["patch"]["responses"]
    assert {"400", "401", "403", "404", "409", "412", "413", "415"} <= set(errors)
