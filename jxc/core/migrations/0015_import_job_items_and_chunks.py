"""An import job's items leave its row for a table of their own (``ImportJobItem``, one row
per item, read a chunk at a time), and each chunk's record gets a row (``ImportJobChunk``):
before, every chunk rewrote the job's row with all its items. The items of the jobs there are
(a job waiting or stopped midway) are carried over, in their order; and back on reverse."""

import django.db.models.deletion
from django.db import migrations, models


BATCH = 500


def carry_items_over(apps, schema_editor):
    ImportJob = apps.get_model("core", "ImportJob")
    ImportJobItem = apps.get_model("core", "ImportJobItem")
    for job in ImportJob.objects.only("pk", "items").iterator(chunk_size=10):
        if not job.items:
            continue
        ImportJobItem.objects.bulk_create(
            (ImportJobItem(job_id=job.pk, seq=i, data=item) for i, item in enumerate(job.items)),
            batch_size=BATCH,
        )


def carry_items_back(apps, schema_editor):
    ImportJob = apps.get_model("core", "ImportJob")
    ImportJobItem = apps.get_model("core", "ImportJobItem")
    jobs = ImportJobItem.objects.values_list("job_id", flat=True).distinct()
    for job_id in sorted(set(jobs)):
        items = ImportJobItem.objects.filter(job_id=job_id).order_by("seq")
        ImportJob.objects.filter(pk=job_id).update(items=list(items.values_list("data", flat=True)))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0014_company_invoice_match_and_qc"),
    ]

    operations = [
        migrations.CreateModel(
            name="ImportJobChunk",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("start", models.PositiveIntegerField()),
                ("result", models.JSONField(default=dict)),
                (
                    "job",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="core.importjob",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("job", "start"), name="core_importjobchunk_job_start"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ImportJobItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("seq", models.PositiveIntegerField()),
                ("data", models.JSONField()),
                (
                    "job",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="core.importjob",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("job", "seq"), name="core_importjobitem_job_seq"
                    )
                ],
            },
        ),
        migrations.RunPython(carry_items_over, carry_items_back),
        migrations.RemoveField(
            model_name="importjob",
            name="items",
        ),
    ]
