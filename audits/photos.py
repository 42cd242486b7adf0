"""What a photo says about itself (EXIF capture time and GPS) and a small preview.

The original bytes are never changed: these functions only read them. Decoding the whole
image (at a reduced scale) is also how a truncated or damaged photo is caught.
"""

import datetime
import io
import warnings
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from audits.exceptions import UnsupportedFileType

PREVIEW_PIXELS = 640
PREVIEW_QUALITY = 80
COORDINATE_STEP = Decimal("0.000001")

EXIF_FIRST_YEAR, EXIF_LAST_YEAR = 1900, 9998
EXIF_DATETIME_ORIGINAL = 0x9003
EXIF_OFFSET_TIME_ORIGINAL = 0x9011
GPS_LATITUDE_REF, GPS_LATITUDE, GPS_LONGITUDE_REF, GPS_LONGITUDE = 1, 2, 3, 4


@dataclass
class PhotoFacts:
    captured_at: datetime.datetime | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    preview_jpeg: bytes | None = None


def damaged_photo_error() -> ValidationError:
    return ValidationError({"file": [_("The image is damaged or truncated.")]})


def too_many_pixels_error(width=None, height=None) -> UnsupportedFileType:
    limit = settings.EVIDENCE_MAX_PIXELS
    if width and height:
        return UnsupportedFileType(
            _(
                "The image is %(width)d × %(height)d pixels; images over %(limit)d megapixels "
                "are not accepted."
            )
            % {"width": width, "height": height, "limit": limit // 1_000_000}
        )
    return UnsupportedFileType(
        _("The image has too many pixels; images over %(limit)d megapixels are not accepted.")
        % {"limit": limit // 1_000_000}
    )


def check_image_dimensions(stream) -> None:
    """Refuse (415) an image whose header claims more than `EVIDENCE_MAX_PIXELS`, before a
    single pixel is decoded: `Image.open` reads only the header. One Pillow cannot
    identify (HEIC without a plugin) passes: it is never decoded either."""
    stream.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(stream)
    except Image.DecompressionBombError as error:
        raise too_many_pixels_error() from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return  # damaged images are caught when the preview is made
    finally:
        stream.seek(0)
    with image:
        width, height = image.size
    if width * height > settings.EVIDENCE_MAX_PIXELS:
        raise too_many_pixels_error(width, height)


def read_photo(stream) -> PhotoFacts:
    """EXIF facts and a JPEG preview of an image Pillow can decode; empty facts for one it
    cannot identify at all (HEIC without a plugin). Raises ValidationError for a damaged
    image of a type Pillow knows."""
    try:
        image = Image.open(stream)
    except (UnidentifiedImageError, Image.DecompressionBombError):
        return PhotoFacts()
    except (OSError, SyntaxError, ValueError) as error:
        raise damaged_photo_error() from error
    with image:
        facts = exif_facts(image)
        try:
            # JPEG decodes at 1/2, 1/4 or 1/8 scale (draft); `thumbnail` then reduces by
            # whole factors before resampling, so memory stays near the preview's size.
            image.draft("RGB", (PREVIEW_PIXELS, PREVIEW_PIXELS))
            image.load()
            facts.preview_jpeg = _preview(image)
        except Image.DecompressionBombError:
            pass  # too many pixels to decode safely: keep the original, skip the preview
        except (OSError, SyntaxError, ValueError) as error:
            raise damaged_photo_error() from error
    return facts


def _preview(image) -> bytes:
    preview = ImageOps.exif_transpose(image)
    preview.thumbnail((PREVIEW_PIXELS, PREVIEW_PIXELS))
    buffer = io.BytesIO()
    preview.convert("RGB").save(buffer, "JPEG", quality=PREVIEW_QUALITY)
    return buffer.getvalue()


def exif_facts(image) -> PhotoFacts:
    try:
        exif = image.getexif()
        details = exif.get_ifd(ExifTags.IFD.Exif)
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    except Exception:  # noqa: BLE001 - a malformed EXIF block only means no facts
        return PhotoFacts()
    return PhotoFacts(
        captured_at=exif_datetime(
            details.get(EXIF_DATETIME_ORIGINAL), details.get(EXIF_OFFSET_TIME_ORIGINAL)
        ),
        latitude=gps_degrees(gps.get(GPS_LATITUDE), gps.get(GPS_LATITUDE_REF), limit=90),
        longitude=gps_degrees(gps.get(GPS_LONGITUDE), gps.get(GPS_LONGITUDE_REF), limit=180),
    )


def exif_datetime(value, offset=None) -> datetime.datetime | None:
    """EXIF's "YYYY:MM:DD HH:MM:SS", in its own offset if given, else local time."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.datetime.strptime(value.strip("\x00 "), "%Y:%m:%d %H:%M:%S")
        if isinstance(offset, str) and offset.strip("\x00 "):
            stamp = moment.isoformat() + offset.strip("\x00 ")
            moment = datetime.datetime.fromisoformat(stamp)
        else:
            moment = timezone.make_aware(moment)
        # Stored in UTC, where year 1 or 9999 may not fit; no photo predates 1900 anyway.
        if not EXIF_FIRST_YEAR <= moment.astimezone(datetime.UTC).year <= EXIF_LAST_YEAR:
            return None
        return moment
    except (ValueError, OverflowError):
        return None


def gps_degrees(value, reference, *, limit: int) -> Decimal | None:
    """(degrees, minutes, seconds) rationals and N/S/E/W → signed decimal degrees."""
    try:
        degrees, minutes, seconds = (Decimal(str(float(part))) for part in value)
        total = degrees + minutes / 60 + seconds / 3600
    except (TypeError, ValueError, ZeroDivisionError, InvalidOperation):
        return None
    if isinstance(reference, bytes):
        reference = reference.decode("ascii", errors="ignore")
    if str(reference).strip("\x00 ").upper() in {"S", "W"}:
        total = -total
    if total.is_nan() or abs(total) > limit:
        return None
    return total.quantize(COORDINATE_STEP, rounding=ROUND_HALF_UP)
