"""Text search, one function for the web page and every API list (`?search=`).

`text_search(queryset, words, fields)` narrows a queryset that is already scoped
(`visible_to(user)` first, always): it never widens what the caller may see.

- On PostgreSQL: full-text search, `to_tsvector('simple', fields) @@ websearch_to_tsquery`.
  The 'simple' configuration, because the text is in English and Filipino and an English
  stemmer would mangle Filipino words. The vector expression is exactly the one the GIN
  indexes are built on (migrations: `search_indexes_create`), so the index serves it.
- Elsewhere (SQLite in development and tests): every word must occur, case-insensitively,
  in one of the fields.

`site_search(user, words)` is the header's search box: a few rows per kind, each kind one
query, grouped for the results page.
"""

from dataclasses import dataclass

from django.apps import apps
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

SEARCH_CONFIG = "simple"
MAX_SEARCH_LENGTH = 200
MAX_WORDS = 10

# The text fields each searchable model is matched on (model label → fields). The API's
# `?search=` of a list over one of these models uses them; other lists use the text fields
# their serializer shows (api.base.filters.TextSearchFilter).
SEARCH_FIELDS = {
    "audits.Engagement": ("reference", "title", "subject", "location"),
    "audits.Finding": ("reference", "title", "condition", "criteria", "cause", "effect"),
    "audits.Recommendation": ("text",),
    "audits.Evidence": ("description", "original_filename"),
    "audits.Sanction": ("reference",),
    "grievances.Grievance": ("tracking_code", "description", "location"),
}


def _tracking_code(words: str) -> str | None:
    from grievances.tracking import IMPOSSIBLE_CODE, normalise_code

    code = normalise_code(words)
    return None if code == IMPOSSIBLE_CODE else code


# Codes people type in another form than the stored one (a grievance's "ABCD-EFGH" is
# stored "ABCDEFGH"): model label → (field, words -> stored value or None). A row whose
# field equals the stored value matches too.
EXACT_CODES = {"grievances.Grievance": ("tracking_code", _tracking_code)}


def is_postgresql(using=None) -> bool:
    from django.db import connections

    return (connections[using] if using else connection).vendor == "postgresql"


def search_vector(fields) -> SearchVector:
    return SearchVector(*fields, config=SEARCH_CONFIG)


def search_query(words: str) -> SearchQuery:
    return SearchQuery(words, config=SEARCH_CONFIG, search_type="websearch")


def clean_words(words: str) -> str:
    """At most MAX_WORDS words of at most MAX_SEARCH_LENGTH characters, no NUL bytes."""
    words = (words or "").replace("\x00", " ")[:MAX_SEARCH_LENGTH]
    return " ".join(words.split()[:MAX_WORDS])


def fields_for(model) -> tuple[str, ...]:
    return SEARCH_FIELDS.get(model._meta.label, ())


def text_search(queryset, words: str, fields=None, *, ranked=False):
    """The rows of `queryset` that match `words` in `fields` (default: SEARCH_FIELDS).
    With `ranked`, on PostgreSQL each row carries `search_rank` (higher is better)."""
    words = clean_words(words)
    fields = tuple(fields or fields_for(queryset.model))
    if not words or not fields:
        return queryset
    exact = Q(pk__in=[])  # matches nothing
    code_field, stored_form = EXACT_CODES.get(queryset.model._meta.label, (None, None))
    if code_field in fields and stored_form(words):
        exact = Q(**{code_field: stored_form(words)})
    if is_postgresql(queryset.db):
        vector, query = search_vector(fields), search_query(words)
        queryset = queryset.annotate(search_document=vector).filter(
            Q(search_document=query) | exact
        )
        if ranked:
            queryset = queryset.annotate(search_rank=SearchRank(vector, query))
        return queryset
    every_word = Q()
    for word in words.split():
        matches = Q()
        for field in fields:
            matches |= Q(**{f"{field}__icontains": word})
        every_word &= matches
    return queryset.filter(every_word | exact)


def search_indexes_create(indexes: dict, apps_, schema_editor) -> None:
    """For a migration's RunPython: GIN indexes `{model label: (index name, fields)}`, on
    PostgreSQL only (SQLite has no GIN). The migration freezes its fields; a test checks
    they still equal SEARCH_FIELDS, so the index keeps serving `text_search`."""
    if schema_editor.connection.vendor != "postgresql":
        return
    for label, (name, fields) in indexes.items():
        index = GinIndex(search_vector(fields), name=name)
        schema_editor.add_index(apps_.get_model(label), index)


def search_indexes_drop(indexes: dict, apps_, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _fields in indexes.values():
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


# The header's search: what each kind shows and where its result links.
@dataclass(frozen=True)
class SearchKind:
    key: str
    label: str
    model_label: str
    url_name: str
    title: object  # obj -> str
    detail: object  # obj -> str
    select_related: tuple = ()


def _excerpt(text: str, length: int = 160) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


SEARCH_KINDS = (
    SearchKind(
        "engagements",
        _("Engagements"),
        "audits.Engagement",
        "engagement-detail",
        lambda e: f"{e.reference} · {e.title}",
        lambda e: _excerpt(e.subject or e.location),
    ),
    SearchKind(
        "findings",
        _("Findings"),
        "audits.Finding",
        "finding-detail",
        lambda f: f"{f.reference} · {f.title}",
        lambda f: _excerpt(f.condition),
        ("engagement",),
    ),
    SearchKind(
        "recommendations",
        _("Recommendations"),
        "audits.Recommendation",
        "finding-detail",
        lambda r: r.finding.reference,
        lambda r: _excerpt(r.text),
        ("finding",),
    ),
    SearchKind(
        "evidence",
        _("Evidence"),
        "audits.Evidence",
        "evidence-page",
        lambda e: e.original_filename or e.get_kind_display(),
        lambda e: _excerpt(e.description),
    ),
    SearchKind(
        "grievances",
        _("Grievances"),
        "grievances.Grievance",
        "grievance-detail",
        lambda g: f"{g.grouped_code} · {g.category.name}",
        lambda g: _excerpt(g.description),
        ("category",),
    ),
)


def _result_url(kind: SearchKind, obj) -> str:
    pk = obj.finding_id if kind.key == "recommendations" else obj.pk
    return reverse(kind.url_name, args=[pk])


def site_search(user, words: str, *, per_kind: int = 10) -> list[dict]:
    """`[{"key", "label", "results": [{"title", "detail", "url"}], "more"}]`, one query per
    kind, each starting from `visible_to(user)`. Kinds with no match are left out."""
    words = clean_words(words)
    if not words:
        return []
    groups = []
    for kind in SEARCH_KINDS:
        model = apps.get_model(kind.model_label)
        queryset = model.objects.visible_to(user).select_related(*kind.select_related)
        queryset = text_search(queryset, words, ranked=True)
        order = ("-search_rank", "-pk") if is_postgresql(queryset.db) else ("-pk",)
        rows = list(queryset.order_by(*order)[: per_kind + 1])
        if not rows:
            continue
        groups.append(
            {
                "key": kind.key,
                "label": kind.label,
                "results": [
                    {
                        "title": kind.title(obj),
                        "detail": kind.detail(obj),
                        "url": _result_url(kind, obj),
                    }
                    for obj in rows[:per_kind]
                ],
                "more": len(rows) > per_kind,
            }
        )
    return groups
