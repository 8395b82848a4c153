"""The newest approved progress reports read in index order: (reviewed_at DESC NULLS LAST, period DESC, id DESC)
over approved rows. SQLite cannot write NULLS LAST in an index, but sorts NULL lowest, so its DESC index
already puts them last: the same index is written per vendor."""

from django.db import migrations, models

COLUMNS = {
    "postgresql": '"reviewed_at" DESC NULLS LAST, "period" DESC, "id" DESC',
    "sqlite": '"reviewed_at" DESC, "period" DESC, "id" DESC',
}


def create(apps, schema_editor):
    columns = COLUMNS.get(schema_editor.connection.vendor, COLUMNS["postgresql"])
    schema_editor.execute(
        f'CREATE INDEX "progress_newest_approved" ON "projects_progressreport" ({columns}) '
        "WHERE \"status\" = 'approved'"
    )


def drop(apps, schema_editor):
    schema_editor.execute('DROP INDEX IF EXISTS "progress_newest_approved"')


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0012_notification_reminders_and_notes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="progressreport",
                    index=models.Index(
                        models.OrderBy(models.F("reviewed_at"), descending=True, nulls_last=True),
                        models.OrderBy(models.F("period"), descending=True),
                        models.OrderBy(models.F("id"), descending=True),
                        condition=models.Q(("status", "approved")),
                        name="progress_newest_approved",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(create, drop)],
        ),
    ]
