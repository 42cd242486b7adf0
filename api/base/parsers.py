import html

from django.conf import settings
from django.http.multipartparser import MultiPartParser as DjangoMultiPartParser
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import DataAndFiles, MultiPartParser


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
        return DataAndFiles(data, files)
