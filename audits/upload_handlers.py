"""Refusing an oversize upload while it arrives, before it is stored anywhere.

Django's parser would otherwise spool the whole body to a temporary file first. This
handler goes first in `request.upload_handlers`: it refuses a request whose declared
length is already over the limit, and stops reading the moment a file passes it.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler

from audits.exceptions import FileTooLarge

# Room for the other form fields and the multipart boundaries around the file.
MULTIPART_OVERHEAD_BYTES = 64 * 1024


class UploadLimitHandler(FileUploadHandler):
    def __init__(self, request=None, max_bytes: int | None = None):
        super().__init__(request)
        self.max_bytes = settings.EVIDENCE_MAX_UPLOAD_BYTES if max_bytes is None else max_bytes
        self.received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > self.max_bytes + MULTIPART_OVERHEAD_BYTES:
            raise FileTooLarge()
        return None  # let the other handlers do the parsing

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            raise FileTooLarge()
        return raw_data

    def file_complete(self, file_size):
        return None


def limit_uploads(request, max_bytes: int | None = None) -> None:
    """Install the limit on a Django request before its body is read."""
    request.upload_handlers.insert(0, UploadLimitHandler(request, max_bytes))
