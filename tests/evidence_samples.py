"""Small files of every kind the evidence tests need, built in memory."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

MANILA_CITY_HALL = (14.5995, 120.9842)


def _dms(value):
    degrees = int(value)
    minutes_float = (value - degrees) * 60
    minutes = int(minutes_float)
    return (float(degrees), float(minutes), round((minutes_float - minutes) * 60, 4))


def jpeg_bytes(
    *, taken="2026:11:20 09:15:00", offset=None, position=MANILA_CITY_HALL, size=(64, 48)
):
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    if taken:
        details = {0x9003: taken}
        if offset:
            details[0x9011] = offset
        exif[ExifTags.IFD.Exif] = details
    if position:
        latitude, longitude = position
        exif[ExifTags.IFD.GPSInfo] = {
            1: "N" if latitude >= 0 else "S",
            2: _dms(abs(latitude)),
            3: "E" if longitude >= 0 else "W",
            4: _dms(abs(longitude)),
        }
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes(), quality=90)
    return buffer.getvalue()


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), (0, 90, 200)).save(buffer, "PNG")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TEXT = b"Site visit, 20 November: the dike is 40 m shorter than the plan says.\n"
CSV = b"item,planned,found\ndike length (m),1200,1160\nculverts,8,6\n"
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"
    + b"\x00" * 200
    + b"This program cannot be run in DOS mode"
)
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 100
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
SVG_WITH_XML_DECLARATION = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'
SCRIPT = b"#!/bin/sh\nrm -rf /\n"
GZIP = b"\x1f\x8b\x08\x00" + b"\x00" * 40
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
HEIF = b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1miaf" + b"\x00" * 64
MP4 = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41" + b"\x00" * 64
M4A = b"\x00\x00\x00\x1cftypM4A \x00\x00\x00\x00M4A mp42isom" + b"\x00" * 64
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + b"\x00" * 64
MP3_NO_TAG = b"\xff\xfb\x90\x64" + b"\x00" * 64
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 64
OGG = b"OggS\x00\x02" + b"\x00" * 64


def zip_bytes(names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


DOCX = zip_bytes(["[Content_Types].xml", "_rels/.rels", "word/document.xml"])
XLSX = zip_bytes(["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml"])
PPTX = zip_bytes(["[Content_Types].xml", "_rels/.rels", "ppt/presentation.xml"])
DOCM = zip_bytes(["[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"])
ZIP = zip_bytes(["readme.txt", "payload.exe"])


def upload(content: bytes, name="evidence.bin", content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)
