"""What a file is, decided by its first bytes (signatures), never by its name or the
content type a client claims. Pure functions, no libmagic.

`detect_content_type(head)` returns one canonical content type from the allowlist or
raises `UnsupportedFileType` (415) naming what was found when it is something refused
(HTML, SVG, scripts, executables, archives). `head` should be the first `HEAD_BYTES`
bytes of the file (fewer if the file is shorter).
"""

import codecs
import csv
import re
import struct
import zipfile

from django.utils.translation import gettext as _

from audits.exceptions import UnsupportedFileType

HEAD_BYTES = 64 * 1024

JPEG = "image/jpeg"
PNG = "image/png"
HEIC = "image/heic"
HEIF = "image/heif"
PDF = "application/pdf"
TEXT = "text/plain"
CSV = "text/csv"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
MP4 = "video/mp4"
QUICKTIME = "video/quicktime"
VIDEO_3GPP = "video/3gpp"
MP3 = "audio/mpeg"
M4A = "audio/mp4"
AAC = "audio/aac"
WAV = "audio/wav"
OGG = "audio/ogg"
FLAC = "audio/flac"
AMR = "audio/amr"

# The allowlist: canonical content type -> the extension of the stored file.
ACCEPTED = {
    JPEG: ".jpg",
    PNG: ".png",
    HEIC: ".heic",
    HEIF: ".heif",
    PDF: ".pdf",
    TEXT: ".txt",
    CSV: ".csv",
    DOCX: ".docx",
    XLSX: ".xlsx",
    PPTX: ".pptx",
    MP4: ".mp4",
    QUICKTIME: ".mov",
    VIDEO_3GPP: ".3gp",
    MP3: ".mp3",
    M4A: ".m4a",
    AAC: ".aac",
    WAV: ".wav",
    OGG: ".ogg",
    FLAC: ".flac",
    AMR: ".amr",
}
IMAGE_TYPES = {JPEG, PNG, HEIC, HEIF}
OFFICE_TYPES = {DOCX, XLSX, PPTX}
# Served inline (shown in the browser); everything else is a download. A PDF can carry
# scripts and forms, so it is a download too (and every file carries a sandbox CSP).
INLINE_TYPES = {JPEG, PNG}

HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"}
HEIF_BRANDS = {b"mif1", b"msf1", b"heif"}
MP4_BRANDS = {
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42",
    b"avc1", b"dash", b"M4V ", b"M4VH", b"M4VP", b"f4v ", b"mmp4", b"MSNV",
}  # fmt: skip
M4A_BRANDS = {b"M4A ", b"M4B ", b"F4A "}
QUICKTIME_BRANDS = {b"qt  "}
VIDEO_3GPP_BRANDS = {b"3gp4", b"3gp5", b"3gp6", b"3gp7", b"3ge6", b"3gg6", b"3g2a", b"3g2b"}

# Signatures of things that are refused, checked first so the answer can say what it was.
REFUSED_SIGNATURES = [
    (b"MZ", "Windows executable"),
    (b"\x7fELF", "Linux executable"),
    (b"\xfe\xed\xfa\xce", "macOS executable"),
    (b"\xfe\xed\xfa\xcf", "macOS executable"),
    (b"\xce\xfa\xed\xfe", "macOS executable"),
    (b"\xcf\xfa\xed\xfe", "macOS executable"),
    (b"\xca\xfe\xba\xbe", "Java class or macOS executable"),
    (b"dex\n", "Android executable"),
    (b"\x00asm", "WebAssembly"),
    (b"\x1f\x8b", "gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"\x28\xb5\x2f\xfd", "zstd archive"),
    (b"MSCF", "cabinet archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Office document (may carry macros)"),
    (b"{\\rtf", "RTF document"),
]
# Markup or code at the start of a text file: served or opened, these can run.
ACTIVE_TEXT = re.compile(
    rb"<\s*(!doctype|html|head|body|script|svg|iframe|object|embed|\?xml|\?php|%)"
    rb"|javascript:|<%@",
    re.IGNORECASE,
)
ALLOWED_CONTROL_BYTES = set(b"\t\n\r\f")
ZIP_LOCAL_HEADER = b"PK\x03\x04"


def refuse(found: str):
    raise UnsupportedFileType(
        _("Files of this type are not accepted (found: %(found)s).") % {"found": found}
    )


def detect_content_type(head: bytes) -> str:
    """The canonical content type of a file starting with `head`, or UnsupportedFileType."""
    if not head:
        refuse(_("an empty file"))
    for signature, found in REFUSED_SIGNATURES:
        if head.startswith(signature):
            refuse(found)
    if head[257:262] == b"ustar":
        refuse("tar archive")
    detected = (
        _binary_type(head) or _iso_media_type(head) or _zip_type(head) or _audio_frame_type(head)
    )
    return detected or _text_type(head)


def _binary_type(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return WAV
    if head.startswith(b"OggS"):
        return OGG
    if head.startswith(b"fLaC"):
        return FLAC
    if head.startswith(b"#!AMR\n") or head.startswith(b"#!AMR-WB\n"):
        return AMR
    if head.startswith(b"ID3"):
        return MP3
    return None


def _iso_media_type(head: bytes) -> str | None:
    """ISO base media files (MP4, MOV, 3GP, M4A, HEIC/HEIF) start with an `ftyp` box."""
    if len(head) < 12 or head[4:8] != b"ftyp":
        return None
    (box_size,) = struct.unpack(">I", head[:4])
    major = head[8:12]
    compatible = {head[i : i + 4] for i in range(16, min(box_size, len(head), 256), 4)}
    for brands, content_type in [
        (HEIC_BRANDS, HEIC),
        (HEIF_BRANDS, HEIF),
        (M4A_BRANDS, M4A),
        (QUICKTIME_BRANDS, QUICKTIME),
        (VIDEO_3GPP_BRANDS, VIDEO_3GPP),
        (MP4_BRANDS, MP4),
    ]:
        if major in brands:
            return content_type
    if compatible & HEIC_BRANDS:
        return HEIC
    if compatible & MP4_BRANDS:
        return MP4
    refuse(_("an unknown media container"))


def zip_entry_names(head: bytes) -> list[str]:
    """Names of the zip entries whose local headers lie inside `head`."""
    names = []
    position = head.find(ZIP_LOCAL_HEADER)
    while position != -1 and position + 30 <= len(head):
        name_length, extra_length = struct.unpack("<HH", head[position + 26 : position + 30])
        raw_name = head[position + 30 : position + 30 + name_length]
        names.append(raw_name.decode("utf-8", errors="replace"))
        position = head.find(ZIP_LOCAL_HEADER, position + 30 + name_length + extra_length)
    return names


def _zip_type(head: bytes) -> str | None:
    """Office Open XML documents are zip files; any other zip is an archive (refused)."""
    if not head.startswith(ZIP_LOCAL_HEADER):
        return None
    names = zip_entry_names(head)
    if "[Content_Types].xml" in names:
        if any(name.endswith("vbaProject.bin") for name in names):
            refuse(_("Office document with macros"))
        for prefix, content_type in [("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX)]:
            if any(name.startswith(prefix) for name in names):
                return content_type
    refuse(_("zip archive"))


# Inside an Office document: parts that run code, and files no document needs.
OFFICE_MACRO_PART = re.compile(r"(^|/)(vba[^/]*\.bin|vbadata\.xml|activex/)", re.IGNORECASE)
OFFICE_EXECUTABLE_EXTENSIONS = {
    ".exe", ".dll", ".com", ".scr", ".msi", ".bat", ".cmd", ".ps1", ".vbs", ".vbe", ".js",
    ".jse", ".wsf", ".hta", ".jar", ".sh", ".cpl", ".lnk", ".app", ".elf", ".so", ".dylib",
}  # fmt: skip
OFFICE_MAX_ENTRIES = 10_000
OFFICE_MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
CONTENT_TYPES_MAX_BYTES = 1024 * 1024


def check_office_document(stream) -> None:
    """Read the whole zip directory (not only the entries in the first bytes) of an OOXML
    file: a macro part or an executable anywhere, a macro-enabled content type, or a
    damaged or bomb-sized archive is refused (415)."""
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
            if len(entries) > OFFICE_MAX_ENTRIES:
                refuse(_("Office document with too many parts"))
            if sum(entry.file_size for entry in entries) > OFFICE_MAX_UNCOMPRESSED_BYTES:
                refuse(_("Office document that expands beyond 1 GB"))
            for entry in entries:
                name = entry.filename
                if OFFICE_MACRO_PART.search(name):
                    refuse(_("Office document with macros"))
                lowered = name.lower()
                if any(lowered.endswith(extension) for extension in OFFICE_EXECUTABLE_EXTENSIONS):
                    refuse(_("Office document carrying a program (%(name)s)") % {"name": name})
            content_types = archive.getinfo("[Content_Types].xml")
            if content_types.file_size > CONTENT_TYPES_MAX_BYTES:
                refuse(_("damaged Office document"))
            declared = archive.read(content_types).lower()
            if b"macroenabled" in declared or b"vbaproject" in declared:
                refuse(_("Office document with macros"))
    except (zipfile.BadZipFile, KeyError, EOFError, NotImplementedError):
        refuse(_("damaged Office document"))
    finally:
        stream.seek(0)


def download_name(original: str, content_type: str, fallback: str) -> str:
    """The name a download is offered under: the user's name, with the extension of the
    type found in the bytes (`invoice.html` that is text is served as `invoice.txt`)."""
    stem = (original or "").rsplit(".", 1)[0].strip() if "." in (original or "") else original
    extension = ACCEPTED.get(content_type, "")
    return f"{stem or fallback}{extension}"


def _audio_frame_type(head: bytes) -> str | None:
    """Raw MPEG audio frames (MP3 without a tag, AAC in ADTS) start with a frame sync."""
    if len(head) < 2 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return None
    if head[1] & 0xF6 == 0xF0:
        return AAC
    if (head[1] >> 1) & 0x03:  # layer I-III
        return MP3
    return None


def _text_type(head: bytes) -> str:
    text = _decode_text(head)
    if text is None:
        refuse(_("an unrecognised binary file"))
    start = text.lstrip("\ufeff \t\r\n")
    if start.startswith("#!"):
        refuse(_("a script"))
    if start.startswith("<") or ACTIVE_TEXT.search(head):
        refuse(_("HTML, SVG or other markup"))
    return CSV if _looks_like_csv(text) else TEXT


def _decode_text(head: bytes) -> str | None:
    """The text in `head` if it is text: UTF-8 (the last character may be cut off) or
    a single-byte legacy encoding; None when it holds control bytes of binary data."""
    if any(byte < 0x20 and byte not in ALLOWED_CONTROL_BYTES for byte in head) or b"\x7f" in head:
        return None
    try:
        return codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return head.decode("cp1252", errors="replace")


def _looks_like_csv(text: str) -> bool:
    """At least two complete rows, every one with the same number (2+) of fields."""
    lines = text.splitlines()[:50]
    if len(lines) > 1 and not text.endswith(("\n", "\r")):
        lines = lines[:-1]  # the last line may be cut off by the end of `head`
    if len(lines) < 2:
        return False
    for delimiter in ",;\t":
        try:
            widths = {len(row) for row in csv.reader(lines, delimiter=delimiter) if row}
        except csv.Error:
            continue
        if len(widths) == 1 and widths.pop() >= 2:
            return True
    return False
