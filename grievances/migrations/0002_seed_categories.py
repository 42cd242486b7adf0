from django.db import migrations

# The starting list; the SAI administrator edits it in the admin site afterwards.
CATEGORIES = [
    ("infrastructure", "Infrastructure"),
    ("health", "Health"),
    ("education", "Education"),
    ("water_sanitation", "Water and sanitation"),
    ("procurement", "Procurement"),
    ("social_benefits", "Social benefits"),
    ("other", "Other"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("grievances", "GrievanceCategory")
    for position, (code, name) in enumerate(CATEGORIES):
        Category.objects.get_or_create(code=code, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("grievances", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
