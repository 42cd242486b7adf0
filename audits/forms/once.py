"""One object per submitted form, however often its button is pressed.

A creating form carries a one-time token (hidden field). The first POST with a token
claims it (a row in `FormSubmission`, whose unique key decides between concurrent POSTs
in any worker), creates the object and leaves its address on that row; a second POST
with the same token (a double click, a reload) is sent to that address instead of
creating a second object. A POST that fails releases the token, so the corrected form
can be sent again."""

import datetime
import secrets
import time

from django import forms
from django.db import IntegrityError, transaction
from django.utils import timezone

from audits.models import FormSubmission

WAIT_SECONDS = 5.0  # how long a second POST waits for the first one to finish
KEEP = datetime.timedelta(days=1)


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


def claim(token: str, user) -> bool:
    """True for the first POST with this token (or when there is no token)."""
    if not token:
        return True
    try:
        with transaction.atomic():
            FormSubmission.objects.create(token=token, user=user)
    except IntegrityError:
        return False
    return True


def release(token: str, user) -> None:
    if token:
        FormSubmission.objects.filter(token=token, user=user).delete()


def remember(token: str, user, url: str) -> None:
    if token:
        # Not a history-tracked model: plain updates and deletes are right here.
        FormSubmission.objects.filter(token=token, user=user).update(url=url[:500])
        FormSubmission.objects.filter(user=user, created_at__lt=timezone.now() - KEEP).delete()


def earlier_result(token: str, user) -> str | None:
    """Where the first POST with this token went (waiting a moment while it is still
    running); None if no POST claimed it or it did not finish in time."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        url = (
            FormSubmission.objects.filter(token=token, user=user)
            .values_list("url", flat=True)
            .first()
        )
        if url or url is None or time.monotonic() > deadline:
            return url or None
        time.sleep(0.1)
