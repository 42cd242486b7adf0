"""Reading django-simple-history as a list of versions with field-level changes.

Shared by the API's `history/` endpoints and the web pages that compare versions."""

import datetime
import difflib
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy

from audits import display

SKIPPED_FIELDS = {"id", "created_at", "updated_at"}


def plain(value):
    """A JSON-ready value: decimals and dates as strings, related rows as ids."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or None
    return value


def tracked_field_names(record) -> list[str]:
    return [
        field.attname if field.is_relation else field.name
        for field in record.instance_type._meta.fields
        if field.name not in SKIPPED_FIELDS and hasattr(record, field.attname)
    ]


def _m2m_model(record_class, field):
    return record_class.__dict__[field.name].model


def _m2m_values(records) -> dict[int, dict[str, list]]:
    """{history_id: {m2m field: sorted target ids}} for all versions, one query per field."""
    if not records:
        return {}
    record_class = type(records[0])
    values = {record.history_id: {} for record in records}
    for field in getattr(record_class, "_history_m2m_fields", ()):
        target = field.m2m_reverse_field_name()
        for row in values.values():
            row[field.name] = []
        rows = (
            _m2m_model(record_class, field)
            .objects.filter(history__in=[record.history_id for record in records])
            .values_list("history_id", f"{target}_id")
            .order_by(f"{target}_id")
        )
        for history_id, target_id in rows:
            values[history_id][field.name].append(target_id)
    return values


def _field_changes(record, previous, m2m: dict):
    current = m2m.get(record.history_id, {})
    if previous is None:
        changes = [
            {
                "field": name.removesuffix("_id") if name.endswith("_id") else name,
                "old": None,
                "new": plain(getattr(record, name)),
            }
            for name in tracked_field_names(record)
            if getattr(record, name) not in (None, "")
        ]
        changes += [{"field": k, "old": None, "new": v} for k, v in current.items() if v]
        return changes
    delta = record.diff_against(previous, excluded_fields=SKIPPED_FIELDS | set(current))
    changes = [
        {"field": change.field, "old": plain(change.old), "new": plain(change.new)}
        for change in delta.changes
    ]
    before = m2m.get(previous.history_id, {})
    changes += [
        {"field": name, "old": before.get(name, []), "new": ids}
        for name, ids in current.items()
        if ids != before.get(name, [])
    ]
    return sorted(changes, key=lambda change: change["field"])


def _records(obj) -> list:
    return list(obj.history.select_related("history_user").order_by("history_date", "pk"))


@dataclass(frozen=True)
class RelatedHistory:
    """Child rows tracked on their own whose changes belong in the parent's history (the
    team of an engagement): each child version becomes one entry with one change on
    `field`, whose `old`/`new` hold the child's `summary_fields` (a foreign key's `_id`
    dropped from the name; null when the child did not exist before, or no longer does)."""

    field: str
    records: models.QuerySet  # the children's historical rows
    summary_fields: tuple[str, ...]


def _entry(record, changes) -> dict:
    user = record.history_user
    return {
        "timestamp": record.history_date,
        "user": user.pk if user else None,
        "user_name": str(user) if user else None,
        "change_reason": record.history_change_reason or "",
        "history_type": record.history_type,
        "changes": changes,
    }


def _related_entries(related: RelatedHistory) -> list[dict]:
    entries = []
    last_summary = {}  # child id -> its summary after its previous version
    records = related.records.select_related("history_user").order_by("history_date", "pk")
    for record in records:
        summary = {
            name.removesuffix("_id"): plain(getattr(record, name))
            for name in related.summary_fields
        }
        before = last_summary.get(record.id)
        after = None if record.history_type == "-" else summary
        last_summary[record.id] = after
        change = {"field": related.field, "old": before, "new": after}
        entries.append(_entry(record, [change]))
    return entries


AS_ISSUED_REASON = gettext_lazy("As issued to the agency")
AS_SHOWN_REASON = gettext_lazy("As it stood when it became visible to you")


def _baseline_reason(record) -> str:
    from audits.models import Engagement

    return AS_SHOWN_REASON if record.instance_type is Engagement else AS_ISSUED_REASON


def _as_issued(record, m2m: dict, since) -> dict:
    """The entry that stands in for the versions a reader may not see: `record`'s values
    listed like a creation, at the cut-off, with nothing of the drafts (no old values,
    no draft author or reason)."""
    return {
        "timestamp": since,
        "user": None,
        "user_name": None,
        "change_reason": str(_baseline_reason(record)),
        "history_type": "+",
        "changes": _field_changes(record, None, m2m),
    }


def history_entries(obj, *, related: tuple[RelatedHistory, ...] = (), since=None) -> list[dict]:
    """Every version of `obj`, newest first, as API.md's history shape.

    With `related`, the children's changes are merged in by time and `version` numbers
    the merged list (1 = oldest); without, it numbers `obj`'s own versions, as
    `compare_versions` does. With `since` (querysets.history_visible_since), the versions
    up to it are hidden: the oldest entry left is `obj` as it stood then ("as issued"),
    and the versions are numbered from 1 again, so a number never tells how many drafts
    were hidden (`compare_versions(..., since=)` reads the same numbers)."""
    records = _records(obj)
    m2m = _m2m_values(records)
    own = []
    previous = None
    baseline = None  # (entry, record) of the last version at or before `since`
    for record in records:
        own.append(_entry(record, _field_changes(record, previous, m2m)))
        if since is not None and record.history_date <= since:
            baseline = (own[-1], record)
        previous = record
    merged = [(entry["timestamp"], 0, index, entry) for index, entry in enumerate(own)]
    for source, child in enumerate(related, start=1):
        entries = _related_entries(child)
        merged += [
            (entry["timestamp"], source, index, entry) for index, entry in enumerate(entries)
        ]
    entries = [entry for *_order, entry in sorted(merged, key=lambda row: row[:3])]
    for number, entry in enumerate(entries, start=1):
        entry["version"] = number
    entries.reverse()
    if since is not None:
        entries = [entry for entry in entries if entry["timestamp"] > since]
        if baseline is not None:
            entries.append(_as_issued(baseline[1], m2m, since))
        for number, entry in enumerate(reversed(entries), start=1):
            entry["version"] = number
    return entries


def _visible_records(records: list, since) -> list:
    """The versions a reader from `since` on sees, oldest first: the last one at or
    before `since` (the "as issued" baseline), then every later one."""
    if since is None:
        return records
    before = [record for record in records if record.history_date <= since]
    return before[-1:] + [record for record in records if record.history_date > since]


# --- comparing two versions side by side ----------------------------------------------------

WORD_TOKEN = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """`[(op, text)]` with op `equal`, `delete` or `insert`, word by word. Whitespace is
    kept as its own token, so joining the `equal`+`delete` parts gives back `old` and the
    `equal`+`insert` parts give back `new`."""
    old_tokens = WORD_TOKEN.findall(old or "")
    new_tokens = WORD_TOKEN.findall(new or "")
    matcher = difflib.SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    parts: list[tuple[str, str]] = []

    def emit(op, tokens):
        text = "".join(tokens)
        if not text:
            return
        if parts and parts[-1][0] == op:
            parts[-1] = (op, parts[-1][1] + text)
        else:
            parts.append((op, text))

    for tag, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if tag == "equal":
            emit("equal", old_tokens[a_start:a_end])
            continue
        if tag in ("delete", "replace"):
            emit("delete", old_tokens[a_start:a_end])
        if tag in ("insert", "replace"):
            emit("insert", new_tokens[b_start:b_end])
    return parts


MONEY_FIELDS = {"amount", "amount_audited"}


def _display(field, value):
    """A value as the pages show it: a choice by its label, money as ₱2,150,000.00, a
    date as 11 December 2026."""
    if value in (None, ""):
        return ""
    if field.name in MONEY_FIELDS:
        return display.money(value)
    if isinstance(field, models.DateTimeField):
        return display.moment(datetime.datetime.fromisoformat(value))
    if isinstance(field, models.DateField):
        return display.day(datetime.date.fromisoformat(value))
    choices = dict(field.flatchoices) if field.choices else {}
    return str(choices.get(value, value))


def compare_versions(obj, version_a: int, version_b: int, *, since=None) -> list[dict]:
    """Every tracked field of two versions (numbered as in `history_entries` with the same
    `since`, 1 = oldest):
    `{"field", "label", "old", "new", "old_display", "new_display", "changed", "diff"}`;
    `diff` is a word diff for long text fields that changed, else None.
    Raises Http404 for a version that does not exist."""
    records = _visible_records(_records(obj), since)
    try:
        numbers = [int(version_a), int(version_b)]
    except (TypeError, ValueError) as error:
        raise Http404("No such version.") from error
    if not all(1 <= number <= len(records) for number in numbers):
        raise Http404("No such version.")
    old, new = (records[number - 1] for number in numbers)
    m2m = _m2m_values([old, new] if old.history_id != new.history_id else [old])
    model = type(obj)
    rows = []
    for name in tracked_field_names(old):
        field = model._meta.get_field(name.removesuffix("_id") if name.endswith("_id") else name)
        before, after = plain(getattr(old, name)), plain(getattr(new, name))
        long_text = isinstance(field, models.TextField)
        rows.append(
            {
                "field": field.name,
                "label": str(field.verbose_name),
                "old": before,
                "new": after,
                "old_display": _display(field, before),
                "new_display": _display(field, after),
                "changed": before != after,
                "diff": word_diff(before, after) if long_text and before != after else None,
            }
        )
    for name, ids in m2m.get(new.history_id, {}).items():
        before = m2m.get(old.history_id, {}).get(name, [])
        field = model._meta.get_field(name)
        rows.append(
            {
                "field": name,
                "label": str(field.verbose_name),
                "old": before,
                "new": ids,
                "old_display": ", ".join(map(str, before)),
                "new_display": ", ".join(map(str, ids)),
                "changed": before != ids,
                "diff": None,
            }
        )
    return rows
