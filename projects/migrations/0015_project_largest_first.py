from django.conf import settings
from django.db import migrations, models

INDEX = models.Index(
    models.OrderBy(models.F("total_investment"), descending=True, nulls_last=True),
    models.F("name"),
    models.F("id"),
    name="project_largest_first",
)


def add(apps, schema_editor):
    # SQLite cannot index NULLS LAST; the embedded database is small enough to sort.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("projects", "Project"), INDEX)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("projects", "Project"), INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("parks", "0005_park_point"),
        ("projects", "0014_list_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="project", index=INDEX)],
            database_operations=[migrations.RunPython(add, remove)],
        ),
    ]
