"""Photo thumbnails for the reports. Each picture is decoded and scaled once per
report (a cache keyed by its storage name), however many findings cite it and whatever
size it is printed at; a picture that cannot be read is noted and left out."""

import io
from collections.abc import Callable

from django.utils.translation import gettext as _
from PIL import Image, ImageOps
from reportlab.platypus import Image as PdfImage

THUMBNAIL_PIXELS = 480
THUMBNAIL_QUALITY = 70


class ThumbnailCache:
    def __init__(self, open_image: Callable[[str], bytes] | None, notes: list[str]):
        self._open = open_image
        self._notes = notes
        self._cache: dict[str, tuple[bytes, int, int] | None] = {}

    def _scaled(self, name: str) -> tuple[bytes, int, int] | None:
        if name in self._cache:
            return self._cache[name]
        result = None
        try:
            with Image.open(io.BytesIO(self._open(name))) as image:
                image.draft("RGB", (THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
                picture = ImageOps.exif_transpose(image)
                picture.thumbnail((THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
                buffer = io.BytesIO()
                picture.convert("RGB").save(buffer, "JPEG", quality=THUMBNAIL_QUALITY)
                result = (buffer.getvalue(), picture.width, picture.height)
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
        data, width, height = scaled
        ratio = min(max_width / width, max_height / height)
        return PdfImage(io.BytesIO(data), width=width * ratio, height=height * ratio)

    def readable(self, name: str | None) -> bool:
        return bool(name) and self._open is not None and self._scaled(name) is not None
