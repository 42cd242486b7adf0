import django.db.models.deletion
from django.db import migrations, models

BATCH = 5000


def index_published_evidence(apps, schema_editor):
    """Every item already linked to an issued or closed finding."""
    Finding = apps.get_model("audits", "Finding")
    PublishedEvidence = apps.get_model("audits", "PublishedEvidence")
    links = Finding._meta.get_field("evidence").remote_field.through.objects
    rows = (
        links.filter(finding__status__in=["issued", "closed"])
        .values_list("evidence_id", "evidence__submitted_at")
        .order_by()
        .distinct()
    )
    batch = []
    for evidence_id, submitted_at in rows.iterator(chunk_size=BATCH):
        batch.append(PublishedEvidence(evidence_id=evidence_id, submitted_at=submitted_at))
        if len(batch) == BATCH:
            PublishedEvidence.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    PublishedEvidence.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0009_published_due_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublishedEvidence",
            fields=[
                (
                    "evidence",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="publication",
                        serialize=False,
                        to="audits.evidence",
                    ),
                ),
                ("submitted_at", models.DateTimeField()),
            ],
            options={
                "verbose_name": "published evidence",
                "verbose_name_plural": "published evidence",
                "indexes": [
                    models.Index(
                        fields=["submitted_at", "evidence"], name="published_evidence_order"
                    )
                ],
            },
        ),
        migrations.RunPython(index_published_evidence, migrations.RunPython.noop),
    ]
