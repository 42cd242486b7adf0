import pytest

from audits import filetypes
from audits.exceptions import UnsupportedFileType
from tests import evidence_samples as samples


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (samples.jpeg_bytes(), "image/jpeg"),
        (samples.png_bytes(), "image/png"),
        (samples.HEIC, "image/heic"),
        (samples.HEIF, "image/heif"),
        (samples.PDF, "application/pdf"),
        (samples.TEXT, "text/plain"),
        (samples.CSV, "text/csv"),
        (samples.DOCX, filetypes.DOCX),
        (samples.XLSX, filetypes.XLSX),
        (samples.PPTX, filetypes.PPTX),
        (samples.MP4, "video/mp4"),
        (samples.M4A, "audio/mp4"),
        (samples.MP3, "audio/mpeg"),
        (samples.MP3_NO_TAG, "audio/mpeg"),
        (samples.WAV, "audio/wav"),
        (samples.OGG, "audio/ogg"),
        ("Tagalog: Ang dike ay mas maikli — ₱1,250,000\n".encode(), "text/plain"),
        (b"caf\xe9 au lait, 3 cups\n", "text/plain"),  # legacy single-byte text
    ],
)
def test_accepted_types_are_recognised_by_content(content, expected):
    assert filetypes.detect_content_type(content[: filetypes.HEAD_BYTES]) == expected
    assert expected in filetypes.ACCEPTED


@pytest.mark.parametrize(
    ("content", "found"),
    [
        (samples.EXE, "Windows executable"),
        (samples.ELF, "Linux executable"),
        (samples.HTML, "markup"),
        (b"  \n<html><p>hi</p></html>", "markup"),
        (samples.SVG, "markup"),
        (samples.SVG_WITH_XML_DECLARATION, "markup"),
        (b"Notes\n<script>alert(1)</script>\n", "markup"),
        (samples.SCRIPT, "script"),
        (samples.GZIP, "gzip"),
        (samples.ZIP, "zip archive"),
        (samples.DOCM, "macros"),
        (b"\x00\x01\x02\x03binary", "binary"),
        (b"", "empty"),
        (b"\x00\x00\x00\x18ftypXXXX\x00\x00\x00\x00", "media container"),
    ],
)
def test_refused_types_say_what_was_found(content, found):
    with pytest.raises(UnsupportedFileType) as refused:
        filetypes.detect_content_type(content)
    assert found in str(refused.value)
    assert refused.value.status_code == 415


def test_the_claimed_name_or_type_plays_no_part():
    """An executable stays an executable whatever it is called; only bytes are looked at."""
    with pytest.raises(UnsupportedFileType):
        filetypes.detect_content_type(samples.EXE)
    assert filetypes.detect_content_type(samples.PDF) == filetypes.PDF


def test_pdf_signature_must_be_at_the_start():
    with pytest.raises(UnsupportedFileType):
        filetypes.detect_content_type(b"MZ" + samples.PDF)


def test_csv_needs_consistent_rows_and_text_with_one_line_is_text():
    assert filetypes.detect_content_type(b"a,b\n1,2\n3,4\n") == filetypes.CSV
    assert filetypes.detect_content_type(b"a;b;c\n1;2;3\n") == filetypes.CSV
    assert filetypes.detect_content_type(b"one line, with a comma\n") == filetypes.TEXT
    assert filetypes.detect_content_type(b"a,b\nno commas here\n") == filetypes.TEXT


def test_a_multibyte_character_cut_by_the_head_is_still_text():
    head = ("ñ" * 10).encode()[:-1]
    assert filetypes.detect_content_type(head) == filetypes.TEXT


def test_zip_entry_names_read_from_local_headers():
    assert filetypes.zip_entry_names(samples.DOCX)[:3] == [
        "[Content_Types].xml",
        "_rels/.rels",
        "word/document.xml",
    ]


def test_only_images_are_shown_inline_and_a_pdf_is_a_download():
    assert {filetypes.JPEG, filetypes.PNG} == filetypes.INLINE_TYPES
