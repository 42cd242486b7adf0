"""Photo thumbnails for the reports. Each picture is decoded and scaled once per
report (a cache keyed by its storage name), however many findings cite it and whatever
size it is printed at; a picture that cannot be read is noted and left out.

Thumbnails are written as JPEG files in a temporary folder and handed to reportlab by
file name: reportlab then copies the JPEG bytes into the PDF as they are. (Handed an
in-memory image, it decodes it to raw RGB on every draw and keeps that in memory —
about 0.5 MB per thumbnail, per layout pass.)"""

import io
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.utils.translation import gettext as _
from PIL import Image, ImageOps
from reportlab.platypus import Image as PdfImage

THUMBNAIL_PIXELS = 360  # about 300 dpi at the annex's 3 cm
THUMBNAIL_QUALITY = 70


class ThumbnailCache:
    def __init__(self, open_image: Callable[[str], bytes] | None, notes: list[str]):
        self._open = open_image
        self._notes = notes
        self._cache: dict[str, tuple[str, int, int] | None] = {}
        self._folder: Path | None = None

    def close(self) -> None:
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def _write(self, data: bytes) -> str:
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="report-thumbnails-"))
        path = self._folder / f"{len(self._cache)}.jpg"
        path.write_bytes(data)
        return str(path)

    def _scaled(self, name: str) -> tuple[str, int, int] | None:
        if name in self._cache:
            return self._cache[name]
        result = None
        try:
            with Image.open(io.BytesIO(self._open(name))) as image:
                image.draft("RGB", (THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
                picture = ImageOps.exif_transpose(image)
                picture.thumbnail((THUMBNAIL_PIXELS, THUMBNAIL_PIXELS), reducing_gap=2.0)
                buffer = io.BytesIO()
                picture.convert("RGB").save(buffer, "JPEG", quality=THUMBNAIL_QUALITY)
                result = (self._write(buffer.getvalue()), picture.width, picture.height)
        except Exception as error:  # noqa: BLE001 - any unreadable picture is only a note
            self._notes.append(
                _("The picture %(name)s could not be read (%(error)s); it is left out.")
                % {"name": name.rsplit("/", 1)[-1], "error": type(error).__name__}
            )
        self._cache[name] = result
        return result

    def flowable(self, name: str | None, max_width: float, max_height: float):
        """A reportlab Image no bigger than the box, or None."""
        if not name or self._open is None:
            return None
        scaled = self._scaled(name)
        if scaled is None:
            return None
        path, width, height = scaled
        ratio = min(max_width / width, max_height / height)
        return PdfImage(path, width=width * ratio, height=height * ratio)

    def readable(self, name: str | None) -> bool:
        return bool(name) and self._open is not None and self._scaled(name) is not None
