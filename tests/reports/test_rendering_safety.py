"""What users type reaches the PDF as text, whatever it is; long text and long tables
split across pages; a damaged photo is noted and the report goes on."""

import pytest

from audits.choices import EngagementStatus
from reports.models import Report
from reports.services.generation import report_request
from tests.reports.setup import audit_file, jpeg_bytes, pdf_pages, pdf_text, stored_evidence
from tests.world import build_world

pytestmark = pytest.mark.django_db

MARKER = "/tmp/reportlab-cve-2023-33733-was-exploited"
# The published proof of concept of CVE-2023-33733 (code execution through the color
# attribute of <font> in Paragraph markup), pointed at a marker file.
CVE_PAYLOAD = (
    "<para><font color=\"[ [ getattr(pow,Word('__globals__'))['os'].system('touch "
    + MARKER
    + "') for Word in [orgTypeFun('Word', (str,), { 'mutated': 1, 'startswith': lambda "
    "self, x: False, '__eq__': lambda self,x: self.mutate() and self.mutated < 0 and "
    "str(self) == x, 'mutate': lambda self: {setattr(self, 'mutated', self.mutated - 1)}, "
    "'__hash__': lambda self: hash(str(self)) })] ] for orgTypeFun in [type(type(1))] ] "
    "and 'red'\">exploit</font></para>"
)
MARKUP = '<b>bold</b> <img src="/etc/passwd"/> <para>para</para> &amp; <br/> <a href=x>'


@pytest.fixture
def world():
    return build_world(status=EngagementStatus.REPORTING)


def generated(world, capture, kind="audit_report", **subject):
    subject = subject or {"engagement": world.engagement}
    with capture(execute=True):
        report = report_request(by=world.users["team_leader"], kind=kind, **subject)
    report.refresh_from_db()
    return report


def read(report) -> bytes:
    with report.file.storage.open(report.file.name, "rb") as handle:
        return handle.read()


def test_markup_and_the_cve_payload_print_as_plain_text(world, django_capture_on_commit_callbacks):
    import os

    if os.path.exists(MARKER):
        os.remove(MARKER)
    audit_file(world, condition=CVE_PAYLOAD + "\n" + MARKUP, title="<i>Title</i> & <b>x</b>")
    for kind in ("audit_report", "citizen_report"):
        report = generated(world, django_capture_on_commit_callbacks, kind=kind)
        assert report.status == "done", report.failure_reason
        text = pdf_text(read(report))
        assert "<para><font color=" in text
        assert "__globals__" in text
        assert '<img src="/etc/passwd"/>' in text
        assert "<b>bold</b>" in text
        assert "&amp;" in text
        assert "<i>Title</i> & <b>x</b>" in text
    assert not os.path.exists(MARKER), "the payload was executed"


def test_accented_names_and_the_peso_sign_survive(world, django_capture_on_commit_callbacks):
    audit_file(
        world,
        condition="Si Gng. Niña Peñafrancia ang nagbayad ng ₱560 bawat sako; "
        "según el contrato, São Tomé — ẞ ł ő.",
    )
    text = pdf_text(read(generated(world, django_capture_on_commit_callbacks)))
    assert "Niña Peñafrancia ang nagbayad ng ₱560" in text
    assert "según el contrato, São Tomé" in text


def test_the_longest_text_a_field_takes_splits_across_pages(
    world, django_capture_on_commit_callbacks
):
    long_text = ("Ang salitang ito ay mahaba. " * 800)[:20_000]
    parts = audit_file(world, condition=long_text)
    unbroken = "x" * 20_000  # one "word" as long as the field allows
    from audits.services.findings import recommendation_create

    recommendation_create(by=world.users["supervisor"], finding=parts["finding"], text=long_text)
    for kind in ("audit_report", "citizen_report", "recommendation_status"):
        report = generated(world, django_capture_on_commit_callbacks, kind=kind)
        assert report.status == "done", (kind, report.failure_reason)
    parts["finding"].refresh_from_db()
    from audits.services.findings import finding_update

    finding_update(
        parts["finding"], by=world.users["supervisor"], cause=unbroken, change_reason="stress"
    )
    report = generated(world, django_capture_on_commit_callbacks)
    assert report.status == "done", report.failure_reason
    assert len(pdf_pages(read(report))) > 5


def test_a_table_taller_than_a_page_splits(world, django_capture_on_commit_callbacks):
    """A recommendation of 20,000 characters is one table row taller than a page."""
    parts = audit_file(world)
    from audits.services.findings import recommendation_create

    recommendation_create(
        by=world.users["supervisor"],
        finding=parts["finding"],
        text=("Palitan ang semento. " * 1000)[:20_000],
    )
    report = generated(world, django_capture_on_commit_callbacks, kind="recommendation_status")
    assert report.status == "done", report.failure_reason
    pages = pdf_pages(read(report))
    assert len(pages) >= 3
    assert sum("Recommendation" in page for page in pages) >= 2  # the header repeats


def test_a_corrupt_photo_is_noted_and_the_report_goes_on(world, django_capture_on_commit_callbacks):
    photo = jpeg_bytes()
    parts = audit_file(world, photo=photo[: len(photo) // 3])
    extra = stored_evidence(world.engagement, world.users["team_leader"], b"\xff\xd8garbage")
    from audits.services.findings import finding_update

    finding_update(
        parts["finding"],
        by=world.users["supervisor"],
        change_reason="more",
        evidence=[parts["photo"].pk, parts["document"].pk, extra.pk],
    )
    for kind in ("audit_report", "citizen_report", "observation_memorandum"):
        subject = (
            {"finding": parts["finding"]}
            if kind == "observation_memorandum"
            else {"engagement": world.engagement}
        )
        report = generated(world, django_capture_on_commit_callbacks, kind=kind, **subject)
        assert report.status == "done", report.failure_reason
        assert report.notes and "could not be read" in report.notes[0]
        text = pdf_text(read(report))
        assert parts["photo"].sha256 in text or kind == "citizen_report"
        assert "could not be read" in text


def test_each_photo_is_scaled_once(world, django_capture_on_commit_callbacks, monkeypatch):
    """A photo cited by several findings is decoded once per report."""
    from reports.rendering import photos

    parts = audit_file(world)
    from tests.findings_setup import add_recommendation, make_finding
    from tests.reports.setup import issue

    for number in range(3):
        finding = make_finding(world, title=f"Finding {number}", evidence=[parts["photo"].pk])
        add_recommendation(world, finding)
        issue(world, finding)
    calls = []
    original = photos.ThumbnailCache._scaled

    def counting(self, name):
        if name not in self._cache:
            calls.append(name)
        return original(self, name)

    monkeypatch.setattr(photos.ThumbnailCache, "_scaled", counting)
    report = generated(world, django_capture_on_commit_callbacks, kind="citizen_report")
    assert report.status == "done"
    assert len(calls) == len(set(calls)) == 1
    assert Report.objects.count() == 1
