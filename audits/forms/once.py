"""One object per submitted form, however often its button is pressed.

A creating form carries a one-time token (hidden field). The first POST with a token
claims it (`cache.add`, atomic), creates the object and leaves its address under the
token; a second POST with the same token (a double click, a reload) is sent to that
address instead of creating a second object. A POST that fails releases the token, so
the corrected form can be sent again. The claim is as wide as the cache: one process
with the default local-memory cache, every worker with a shared cache (Redis)."""

import secrets
import time

from django import forms
from django.core.cache import cache

TOKEN_SECONDS = 60 * 60
WAIT_SECONDS = 5.0  # how long a second POST waits for the first one to finish


def _key(token: str) -> str:
    return f"form-once:{token}"


class OnceForm(forms.Form):
    """Mixed into a creating form: adds the hidden `form_token` field."""

    form_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["form_token"].initial = secrets.token_urlsafe(24)

    @property
    def token(self) -> str:
        return (self.data.get("form_token") or "")[:64] if self.is_bound else ""


def claim(token: str) -> bool:
    """True for the first POST with this token (or when there is no token)."""
    return not token or cache.add(_key(token), "", TOKEN_SECONDS)


def release(token: str) -> None:
    if token:
        cache.delete(_key(token))


def remember(token: str, url: str) -> None:
    if token:
        cache.set(_key(token), url, TOKEN_SECONDS)


def earlier_result(token: str) -> str | None:
    """Where the first POST with this token went (waiting a moment if it is still
    running); None if it did not finish."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        url = cache.get(_key(token))
        if url:
            return url
        if url is None or time.monotonic() > deadline:
            return None
        time.sleep(0.1)
