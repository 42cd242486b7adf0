import html
import logging

from django.conf import settings
from django.http import UnreadablePostError
from django.http.multipartparser import MultiPartParser as DjangoMultiPartParser
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import DataAndFiles, JSONParser, MultiPartParser

logger = logging.getLogger("security")


class BoundedJSONParser(JSONParser):
    """JSON nested deeper than Python's recursion limit is a 400, not a RecursionError."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError(_("JSON parse error - nested too deeply.")) from error


class _RefusingUnsafeNames(DjangoMultiPartParser):
    """Django quietly strips paths and control characters from an upload's file name;
    an evidence upload that sends one is refused instead, so nobody believes a file
    called `../../etc/passwd` was accepted under that name."""

    def sanitize_file_name(self, file_name):
        raw = html.unescape(file_name)
        if "/" in raw or "\\" in raw or not all(char.isprintable() for char in raw):
            raise MultiPartParserError(
                _("unsafe file name: it may not contain a path or control characters.")
            )
        return super().sanitize_file_name(file_name)


class StrictMultiPartParser(MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        request = parser_context["request"]
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        meta = request.META.copy()
        meta["CONTENT_TYPE"] = media_type
        try:
            parser = _RefusingUnsafeNames(meta, stream, request.upload_handlers, encoding)
            data, files = parser.parse()
        except MultiPartParserError as error:
            raise ParseError(_("Multipart form parse error - %s") % error) from error
        except UnreadablePostError as error:
            logger.warning("aborted upload: %s %s (%s)", request.method, request.path, error)
            raise ParseError(
                _("The upload was interrupted before it was complete; nothing was stored.")
            ) from error
        return DataAndFiles(data, files)
