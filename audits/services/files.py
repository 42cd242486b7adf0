"""Storing uploaded files safely, for evidence and for response attachments alike.

`store_upload(upload, *, storage, folder, max_bytes=None) -> StoredFileInfo`

- `upload`: a Django `UploadedFile` (or any `File` with `.name` and `.read()`; it must be
  seekable to its start, which every Django upload is).
- `storage`: a Django storage (`storages["evidence"]`), so S3 works by settings alone.
- `folder`: where in the storage the file goes (`"evidence"`, `"responses"`); the stored
  name is `<folder>/<yyyy>/<mm>/<random hex><extension of the detected type>`.
- `max_bytes`: the size limit, default `settings.EVIDENCE_MAX_UPLOAD_BYTES`.

The type is decided by content (`audits.filetypes`) before anything is written. The
bytes are then streamed once, in chunks: hashed, counted and written in the same pass.
Raises `UnsupportedFileType` (415), `FileTooLarge` (413) or `ValidationError` (empty
file); in every such case no file is left in the storage. The caller owns the stored
file from then on: if its own database write fails it must `discard_stored(...)` it.
"""

import hashlib
import io
import unicodedata
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.exceptions import FileTooLarge
from audits.filetypes import (
    ACCEPTED,
    HEAD_BYTES,
    IMAGE_TYPES,
    OFFICE_TYPES,
    check_office_document,
    detect_content_type,
)
from audits.photos import check_image_dimensions

CHUNK_BYTES = 64 * 1024
ORIGINAL_NAME_MAX = 255


@dataclass(frozen=True)
class StoredFileInfo:
    name: str
    sha256: str
    size: int
    content_type: str
    original_filename: str

    def model_fields(self) -> dict:
        """The values for a `StoredFile` model's fields."""
        return {
            "file": self.name,
            "sha256": self.sha256,
            "size": self.size,
            "content_type": self.content_type,
            "original_filename": self.original_filename,
        }


def upload_limit() -> int:
    return settings.EVIDENCE_MAX_UPLOAD_BYTES


def clean_original_filename(name: str | None) -> str:
    """The user's file name as harmless metadata: no folders, no control characters."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C")
    name = name.strip().lstrip(".")
    return name[-ORIGINAL_NAME_MAX:]


class HashingReader(File):
    """Wraps an upload so whatever reads it (any storage backend) hashes and counts the
    bytes on the way, and stops with `FileTooLarge` as soon as the limit is passed."""

    def __init__(self, upload, *, max_bytes: int):
        super().__init__(upload, name=getattr(upload, "name", None))
        self.max_bytes = max_bytes
        self._restart()

    def _restart(self):
        self.hasher = hashlib.sha256()
        self.bytes_read = 0

    @property
    def size(self):
        return getattr(self.file, "size", None)

    def seekable(self):
        # Object-storage clients (boto3) then read straight through instead of seeking
        # to part offsets, which a one-pass hash cannot follow.
        return False

    def seek(self, offset, whence=io.SEEK_SET):
        # A storage that rewinds (to retry or to start) re-reads from the start.
        if (offset, whence) != (0, io.SEEK_SET):
            raise io.UnsupportedOperation("only a rewind to the start is supported")
        self._restart()
        return self.file.seek(0)

    def tell(self):
        return self.bytes_read

    def read(self, size=-1):
        data = self.file.read(CHUNK_BYTES if size is None or size < 0 else size)
        if size is None or size < 0:  # read everything, still chunk by chunk
            parts = [data]
            while data:
                self._account(data)
                data = self.file.read(CHUNK_BYTES)
                parts.append(data)
            return b"".join(parts)
        self._account(data)
        return data

    def _account(self, data: bytes):
        self.bytes_read += len(data)
        if self.bytes_read > self.max_bytes:
            raise FileTooLarge()
        self.hasher.update(data)

    def chunks(self, chunk_size=None):
        self.seek(0)
        while data := self.read(chunk_size or CHUNK_BYTES):
            yield data

    def multiple_chunks(self, chunk_size=None):
        return True


def _read_head(upload) -> bytes:
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    return head


def _stored_name(folder: str, content_type: str) -> str:
    today = timezone.localdate()
    extension = ACCEPTED[content_type]
    return f"{folder}/{today:%Y}/{today:%m}/{uuid.uuid4().hex}{extension}"


def discard_stored(storage, *names: str) -> None:
    """Remove files that were stored for a record that was not saved."""
    for name in names:
        if name and storage.exists(name):
            storage.delete(name)


def empty_file_error() -> ValidationError:
    return ValidationError({"file": [_("The file is empty.")]})


def store_upload(upload, *, storage, folder: str, max_bytes: int | None = None) -> StoredFileInfo:
    max_bytes = upload_limit() if max_bytes is None else max_bytes
    declared_size = getattr(upload, "size", None)
    if declared_size is not None and declared_size > max_bytes:
        raise FileTooLarge()
    if declared_size == 0:
        raise empty_file_error()
    head = _read_head(upload)
    if not head:
        raise empty_file_error()
    content_type = detect_content_type(head)
    if content_type in IMAGE_TYPES:
        check_image_dimensions(upload)  # the pixel cap, from the header alone
    elif content_type in OFFICE_TYPES:
        check_office_document(upload)  # the whole zip directory
    name = _stored_name(folder, content_type)
    reader = HashingReader(upload, max_bytes=max_bytes)
    try:
        name = storage.save(name, reader)
    except BaseException:
        discard_stored(storage, name)  # a partly written file
        raise
    if reader.bytes_read == 0:
        discard_stored(storage, name)
        raise empty_file_error()
    return StoredFileInfo(
        name=name,
        sha256=reader.hasher.hexdigest(),
        size=reader.bytes_read,
        content_type=content_type,
        original_filename=clean_original_filename(getattr(upload, "name", "")),
    )


def file_sha256(storage, name: str) -> tuple[str, int]:
    """SHA-256 and size of a stored file, read in chunks."""
    hasher = hashlib.sha256()
    size = 0
    with storage.open(name, "rb") as stored:
        while data := stored.read(CHUNK_BYTES):
            hasher.update(data)
            size += len(data)
    return hasher.hexdigest(), size
