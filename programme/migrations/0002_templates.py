"""Seed the four CPA pilot programme templates (the data lives in programme/seed.py, so a
flushed test database and load_demo re-seed it the same way)."""

from django.db import migrations


def seed(apps, schema_editor):
    from programme.seed import seed_pilot_templates

    seed_pilot_templates(
        apps.get_model("programme", "ProgrammeTemplate"),
        apps.get_model("programme", "TemplateProcedure"),
        history_models=(
            apps.get_model("programme", "HistoricalProgrammeTemplate"),
            apps.get_model("programme", "HistoricalTemplateProcedure"),
        ),
    )


class Migration(migrations.Migration):
    dependencies = [("programme", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
