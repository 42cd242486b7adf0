"""GIN index for full-text search of grievances (audits.search.text_search), on
PostgreSQL only: on SQLite this migration does nothing."""

from functools import partial

from django.db import migrations

from audits.search import search_indexes_create, search_indexes_drop

INDEXES = {
    "grievances.Grievance": (
        "grievance_search_gin",
        ("tracking_code", "description", "location"),
    ),
}


class Migration(migrations.Migration):
    dependencies = [("grievances", "0002_seed_categories")]

    operations = [
        migrations.RunPython(
            partial(search_indexes_create, INDEXES),
            partial(search_indexes_drop, INDEXES),
            elidable=False,
        )
    ]
