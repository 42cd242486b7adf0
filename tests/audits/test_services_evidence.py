import datetime
import hashlib
import tracemalloc
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.db import IntegrityError
from django.utils import timezone

from audits.choices import EngagementStatus, Role, TeamRole
from audits.exceptions import Conflict, FileTooLarge, NotPermitted, UnsupportedFileType
from audits.models import Evidence, EvidenceAccess
from audits.models.files import evidence_storage
from audits.services import evidence as services
from audits.services.files import HashingReader, clean_original_filename, store_upload
from tests import evidence_samples as samples
from tests.factories import CsoFactory, EngagementFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


def stored_files() -> list[Path]:
    root = Path(evidence_storage().location)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


@pytest.fixture
def engagement():
    return EngagementFactory(status=EngagementStatus.FIELDWORK)


@pytest.fixture
def auditor(engagement):
    return MemberFactory(engagement=engagement, role=TeamRole.AUDITOR).user


def file_it(by, engagement, content=samples.PDF, name="report.pdf", **fields):
    fields.setdefault("kind", "document")
    return services.evidence_file(
        by=by, engagement=engagement, upload=samples.upload(content, name), **fields
    )


# --- filing ---------------------------------------------------------------------------


def test_filing_records_hash_size_type_and_who(engagement, auditor):
    evidence = file_it(auditor, engagement, description="Delivery receipt")
    assert evidence.sha256 == hashlib.sha256(samples.PDF).hexdigest()
    assert evidence.size == len(samples.PDF)
    assert evidence.content_type == "application/pdf"
    assert evidence.submitted_by == auditor
    assert evidence.submitted_at is not None
    assert evidence.original_filename == "report.pdf"
    assert evidence.file.name.startswith("evidence/") and evidence.file.name.endswith(".pdf")
    assert "report" not in evidence.file.name  # the server chooses the stored name
    with evidence_storage().open(evidence.file.name) as stored:
        assert stored.read() == samples.PDF
    record = evidence.history.get()
    assert record.history_user == auditor and record.history_change_reason == "Filed"


def test_photo_keeps_original_bytes_and_takes_time_and_place_from_exif(engagement, auditor):
    photo = samples.jpeg_bytes(taken="2026:11:20 09:15:00", offset="+08:00")
    evidence = file_it(auditor, engagement, photo, "IMG_0001.JPG", kind="photo")
    assert evidence.sha256 == hashlib.sha256(photo).hexdigest()
    with evidence_storage().open(evidence.file.name) as stored:
        assert stored.read() == photo
    assert evidence.captured_at == datetime.datetime(2026, 11, 20, 1, 15, tzinfo=datetime.UTC)
    assert (evidence.latitude, evidence.longitude) == (Decimal("14.599500"), Decimal("120.984200"))
    assert evidence.preview.name.startswith("previews/")
    with evidence_storage().open(evidence.preview.name) as preview:
        assert preview.read(3) == b"\xff\xd8\xff"


def test_exif_time_without_offset_is_local_time(engagement, auditor):
    evidence = file_it(auditor, engagement, samples.jpeg_bytes(), "a.jpg", kind="photo")
    assert timezone.localtime(evidence.captured_at).replace(tzinfo=None) == datetime.datetime(
        2026, 11, 20, 9, 15
    )


def test_what_the_form_says_wins_over_exif(engagement, auditor):
    taken = timezone.now() - datetime.timedelta(hours=2)
    evidence = file_it(
        auditor,
        engagement,
        samples.jpeg_bytes(),
        "a.jpg",
        kind="photo",
        latitude="10.3157",
        longitude="123.8854",
        captured_at=taken,
    )
    assert evidence.captured_at == taken
    assert (evidence.latitude, evidence.longitude) == (Decimal("10.315700"), Decimal("123.885400"))


def test_camera_clock_in_the_future_is_ignored_not_refused(engagement, auditor):
    future = (timezone.localtime() + datetime.timedelta(days=30)).strftime("%Y:%m:%d %H:%M:%S")
    evidence = file_it(auditor, engagement, samples.jpeg_bytes(taken=future), "a.jpg")
    assert evidence.captured_at is None


def test_heic_is_accepted_without_a_preview(engagement, auditor):
    evidence = file_it(auditor, engagement, samples.HEIC, "IMG_0002.HEIC", kind="photo")
    assert evidence.content_type == "image/heic"
    assert not evidence.preview


def test_coordinates_are_rounded_to_six_places(engagement, auditor):
    evidence = file_it(auditor, engagement, latitude=14.59951234567, longitude=-120.1234565)
    assert evidence.latitude == Decimal("14.599512")
    assert evidence.longitude == Decimal("-120.123457")


@pytest.mark.parametrize("team_role", [TeamRole.TEAM_LEADER, TeamRole.AUDITOR])
def test_sai_team_members_file(engagement, team_role):
    user = MemberFactory(engagement=engagement, role=team_role).user
    assert file_it(user, engagement).pk


def test_accredited_cso_auditor_on_the_team_files(engagement):
    cso_auditor = UserFactory(role=Role.CSO_AUDITOR)
    MemberFactory(engagement=engagement, user=cso_auditor, role=TeamRole.CSO_AUDITOR)
    assert file_it(cso_auditor, engagement).submitted_by == cso_auditor


@pytest.mark.parametrize("status", [EngagementStatus.FIELDWORK, EngagementStatus.REPORTING])
def test_filing_is_open_in_fieldwork_and_reporting(status, auditor, engagement):
    engagement.status = status
    engagement.save()
    assert file_it(auditor, engagement).pk


# --- refusals: a clear error and nothing stored ------------------------------------------


def refused(error_class, by, engagement, **kwargs):
    with pytest.raises(error_class) as raised:
        file_it(by, engagement, **kwargs)
    assert stored_files() == []
    assert not Evidence.objects.exists()
    return raised.value


@pytest.mark.parametrize(
    "status", [EngagementStatus.PLANNING, EngagementStatus.FOLLOW_UP, EngagementStatus.CLOSED]
)
def test_no_filing_outside_fieldwork_and_reporting(status, auditor, engagement):
    engagement.status = status
    engagement.save()
    refused(Conflict, auditor, engagement)


def test_someone_not_on_the_team_may_not_file(engagement):
    refused(NotPermitted, UserFactory(role=Role.AUDITOR), engagement)


def test_a_supervisor_not_on_the_team_does_not_file(engagement):
    supervisor = UserFactory(role=Role.SUPERVISOR, organization=engagement.sai)
    refused(NotPermitted, supervisor, engagement)


def test_a_cso_auditor_whose_accreditation_lapsed_may_not_file(engagement):
    lapsed = CsoFactory(accredited_until=datetime.date.today() - datetime.timedelta(days=1))
    user = UserFactory(role=Role.CSO_AUDITOR, organization=lapsed)
    MemberFactory(engagement=engagement, user=user, role=TeamRole.CSO_AUDITOR)
    refused(NotPermitted, user, engagement)


def test_zero_byte_file(engagement, auditor):
    error = refused(ValidationError, auditor, engagement, content=b"")
    assert "empty" in error.message_dict["file"][0]


def test_truncated_jpeg(engagement, auditor):
    photo = samples.jpeg_bytes(size=(400, 300))
    error = refused(ValidationError, auditor, engagement, content=photo[: len(photo) // 2])
    assert "damaged or truncated" in error.message_dict["file"][0]


def test_pdf_that_is_really_an_executable(engagement, auditor):
    error = refused(UnsupportedFileType, auditor, engagement, content=samples.EXE, name="x.pdf")
    assert error.status_code == 415


@pytest.mark.parametrize("content", [samples.HTML, samples.SVG, samples.SCRIPT, samples.ZIP])
def test_markup_scripts_and_archives(engagement, auditor, content):
    refused(UnsupportedFileType, auditor, engagement, content=content, name="notes.txt")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"latitude": 200, "longitude": 10}, "latitude"),
        ({"latitude": 10, "longitude": -181}, "longitude"),
        ({"latitude": 10}, "longitude"),
        ({"latitude": "north", "longitude": 1}, "latitude"),
        ({"latitude": "NaN", "longitude": 1}, "latitude"),
        ({"captured_at": timezone.now() + datetime.timedelta(days=1)}, "captured_at"),
        ({"kind": "selfie"}, "kind"),
    ],
)
def test_bad_fields_are_refused_before_the_file_is_stored(engagement, auditor, fields, field):
    error = refused(ValidationError, auditor, engagement, **fields)
    assert field in error.message_dict


def test_database_failure_after_storing_leaves_no_file(engagement, auditor, monkeypatch):
    def failing_save(*args, **kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(services, "save_tracked", failing_save)
    refused(IntegrityError, auditor, engagement, content=samples.jpeg_bytes(), name="a.jpg")


def test_an_unexpected_error_after_storing_leaves_no_file(engagement, auditor, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "save_tracked", crash)
    refused(RuntimeError, auditor, engagement, content=samples.jpeg_bytes(), name="a.jpg")


# --- file names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("evil\x00.pdf", "evil.pdf"),
        ("line\nbreak.pdf", "linebreak.pdf"),
        (".hidden", "hidden"),
        ("", ""),
    ],
)
def test_original_file_name_is_metadata_without_paths_or_control_characters(given, kept):
    assert clean_original_filename(given) == kept


def test_nul_in_the_file_name_never_reaches_the_stored_name(engagement, auditor):
    evidence = file_it(auditor, engagement, name="../../evil\x00.pdf")
    assert evidence.original_filename == "evil.pdf"
    assert ".." not in evidence.file.name and "\x00" not in evidence.file.name


# --- corrections ------------------------------------------------------------------------


def test_a_correction_supersedes_and_both_stay(engagement, auditor):
    first = file_it(auditor, engagement, description="wrong site")
    corrected = samples.PDF + b"% corrected\n"  # new bytes: the same ones are a 409
    second = file_it(auditor, engagement, corrected, description="right site", supersedes=first)
    assert second.supersedes == first
    assert list(first.superseded_by.all()) == [second]
    assert Evidence.objects.count() == 2
    assert second.history.get().history_change_reason == f"Filed as a correction of #{first.pk}"


def test_an_item_is_corrected_only_once(engagement, auditor):
    first = file_it(auditor, engagement)
    file_it(auditor, engagement, samples.PDF + b"% one\n", supersedes=first)
    with pytest.raises(ValidationError) as error:
        file_it(auditor, engagement, samples.PDF + b"% two\n", supersedes=first)
    assert "supersedes" in error.value.message_dict
    assert len(stored_files()) == 2


def test_a_correction_stays_in_its_engagement(engagement, auditor):
    other = EngagementFactory(status=EngagementStatus.FIELDWORK)
    MemberFactory(engagement=other, user=auditor)
    elsewhere = file_it(auditor, other)
    with pytest.raises(ValidationError) as error:
        file_it(auditor, engagement, supersedes=elsewhere)
    assert "supersedes" in error.value.message_dict


def test_a_retry_with_the_same_client_reference_files_once(engagement, auditor):
    first = file_it(auditor, engagement, client_reference="phone-1")
    again = file_it(auditor, engagement, client_reference="phone-1")
    assert again.pk == first.pk and again.was_already_filed
    assert Evidence.objects.count() == 1 and len(stored_files()) == 1


def test_a_retry_that_arrives_while_the_first_copy_is_saved_returns_the_first(
    engagement, auditor, monkeypatch
):
    """The phone resends while its first upload is still being saved: the early look-up
    misses, the unique constraint catches it, and the first item stands."""
    first = file_it(auditor, engagement, client_reference="phone-2")
    real_lookup = services._already_filed
    calls = []

    def misses_once(*args):
        calls.append(args)
        return None if len(calls) == 1 else real_lookup(*args)

    monkeypatch.setattr(services, "_already_filed", misses_once)
    again = file_it(auditor, engagement, client_reference="phone-2")
    assert again.pk == first.pk and again.was_already_filed
    assert Evidence.objects.count() == 1 and len(stored_files()) == 1


# --- size limit and memory ----------------------------------------------------------------


def big_upload(size: int, head: bytes = samples.PDF) -> TemporaryUploadedFile:
    upload = TemporaryUploadedFile("big.pdf", "application/pdf", size, None)
    upload.write(head)
    block = bytes(range(256)) * 4096  # 1 MB
    remaining = size - len(head)
    while remaining > 0:
        upload.write(block[:remaining])
        remaining -= len(block)
    upload.seek(0)
    return upload


def test_thirty_megabytes_is_refused_without_storing(engagement, auditor):
    upload = big_upload(30 * MB)
    with pytest.raises(FileTooLarge):
        services.evidence_file(by=auditor, engagement=engagement, kind="document", upload=upload)
    assert stored_files() == [] and not Evidence.objects.exists()


def test_a_file_larger_than_it_claims_is_stopped_while_streaming(engagement, auditor):
    upload = big_upload(3 * MB)
    upload.size = 1000  # a lying client: the streaming count still stops it
    with pytest.raises(FileTooLarge):
        store_upload(upload, storage=evidence_storage(), folder="evidence", max_bytes=2 * MB)
    assert stored_files() == []


def test_twenty_megabytes_is_accepted_in_little_memory(engagement, auditor):
    upload = big_upload(20 * MB)
    expected = hashlib.sha256()
    for chunk in upload.chunks():
        expected.update(chunk)
    upload.seek(0)
    tracemalloc.start()
    try:
        evidence = services.evidence_file(
            by=auditor, engagement=engagement, kind="document", upload=upload
        )
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert evidence.size == 20 * MB
    assert evidence.sha256 == expected.hexdigest()
    assert peak < 3 * MB, f"peak traced memory {peak / MB:.1f} MB"


def test_hashing_reader_restarts_when_a_storage_rewinds():
    upload = samples.upload(samples.TEXT)
    reader = HashingReader(upload, max_bytes=1000)
    reader.read(10)
    reader.seek(0)
    assert reader.read() == samples.TEXT
    assert reader.hasher.hexdigest() == hashlib.sha256(samples.TEXT).hexdigest()


# --- chain of custody ---------------------------------------------------------------------


def test_record_access_appends_a_custody_line(engagement, auditor):
    evidence = file_it(auditor, engagement)
    reader = UserFactory(role=Role.SUPERVISOR)
    access = services.evidence_record_access(
        evidence, by=reader, action=EvidenceAccess.Action.DOWNLOAD, ip="10.0.0.7"
    )
    assert (access.user, access.engagement, access.action, access.ip_address) == (
        reader,
        engagement,
        "download",
        "10.0.0.7",
    )
    assert access.accessed_at is not None


def test_verify_all_reports_every_file(engagement, auditor):
    file_it(auditor, engagement)
    report = services.evidence_verify_all()
    assert report.ok and report.checked == 1
