"""GIN indexes for full-text search (audits.search.text_search), on PostgreSQL only: on
SQLite this migration does nothing."""

from functools import partial

from django.db import migrations

from audits.search import search_indexes_create, search_indexes_drop

INDEXES = {
    "audits.Engagement": ("engagement_search_gin", ("reference", "title", "subject", "location")),
    "audits.Finding": (
        "finding_search_gin",
        ("reference", "title", "condition", "criteria", "cause", "effect"),
    ),
    "audits.Recommendation": ("recommendation_search_gin", ("text",)),
    "audits.Evidence": ("evidence_search_gin", ("description", "original_filename")),
}


class Migration(migrations.Migration):
    dependencies = [("audits", "0003_list_indexes")]

    operations = [
        migrations.RunPython(
            partial(search_indexes_create, INDEXES),
            partial(search_indexes_drop, INDEXES),
            elidable=False,
        )
    ]
