"""The version comparison page, for any history-tracked model that has `visible_to`:
the list of versions (author, time, reason) and any two of them side by side, long text
compared word by word."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from audits.history import compare_versions, history_entries
from audits.models import Recommendation
from audits.querysets import history_visible_since


def _version_number(value, versions: set[int]) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number in versions else None


def _page_of(obj) -> str:
    """Where the object itself is shown: a recommendation lives on its finding's page."""
    if isinstance(obj, Recommendation):
        return reverse("finding-detail", args=[obj.finding_id]) + f"#recommendation-{obj.pk}"
    return reverse(f"{obj._meta.model_name}-detail", args=[obj.pk])


def _status_words(model, entries: list[dict]) -> None:
    """Status names as words in the version table: each entry gets the status it moved to
    ("Issued"), and the reason the workflow writes by itself ("for_review → issued")
    gives way to those words; a reason a person typed stays."""
    try:
        choices = dict(model._meta.get_field("status").flatchoices)
    except FieldDoesNotExist:
        choices = {}
    for entry in entries:
        status = next((change for change in entry["changes"] if change["field"] == "status"), None)
        entry["status_label"] = choices.get(status["new"], "") if status else ""
        automatic = status and entry["change_reason"] == f"{status['old']} → {status['new']}"
        entry["reason_text"] = "" if automatic else entry["change_reason"]


@login_required
def object_history(request, pk, model):
    obj = get_object_or_404(model.objects.visible_to(request.user), pk=pk)
    since = history_visible_since(request.user, obj)
    entries = history_entries(obj, since=since)
    _status_words(model, entries)
    numbers = {entry["version"] for entry in entries}
    version_a = _version_number(request.GET.get("a"), numbers)
    version_b = _version_number(request.GET.get("b"), numbers)
    if version_a is None or version_b is None:
        # By default: the latest version against the one before it.
        newest = max(numbers, default=1)
        version_a, version_b = max(newest - 1, min(numbers, default=1)), newest
    if version_a > version_b:
        version_a, version_b = version_b, version_a
    context = {
        "object": obj,
        "model_name": model._meta.verbose_name,
        "object_url": _page_of(obj),
        "entries": entries,
        "version_a": version_a,
        "version_b": version_b,
        "rows": compare_versions(obj, version_a, version_b, since=since) if entries else [],
    }
    return render(request, "audits/versions/history.html", context)
