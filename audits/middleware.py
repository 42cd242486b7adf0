"""Per-request settings: the logged-in user's saved language, and reading visibility
lists once per read-only request."""

from django.utils import translation

from audits.querysets import reads_once


class UserLanguageMiddleware:
    """The logged-in user's saved language wins over the cookie and the browser's
    Accept-Language (which LocaleMiddleware reads first, for everyone)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None else ""
        if language and user.is_authenticated:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class VisibilityReadsOnceMiddleware:
    """A read-only request reads each list of ids a visibility rule needs once, however
    many querysets (the list, its filters, its counts) apply the rule. Writes read afresh:
    they may change who sees what."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        with reads_once():
            return self.get_response(request)
