"""The glossary's names for a project signal: `colour` → `signal`, and `lag_points` (positive = behind)
→ `gap_points` with the roll-up row's sign (completion − elapsed, negative = behind), so the stored
values are negated."""

from django.db import migrations, models
from django.db.models import F


def negate_gap_points(apps, schema_editor):
    # Negation is its own inverse, so the same function undoes it.
    ProjectSignal = apps.get_model("investment", "ProjectSignal")
    ProjectSignal.objects.filter(gap_points__isnull=False).update(gap_points=-F("gap_points"))


class Migration(migrations.Migration):
    dependencies = [
        ("investment", "0004_rollups"),
    ]

    operations = [
        # The index is named after its fields, so it is dropped and rebuilt around the rename.
        migrations.RemoveIndex(model_name="projectsignal", name="investment__campaig_1f49d8_idx"),
        migrations.RenameField(model_name="projectsignal", old_name="colour", new_name="signal"),
        migrations.AddIndex(
            model_name="projectsignal",
            index=models.Index(fields=["campaign_year", "as_of", "signal"], name="investment__campaig_26bbbe_idx"),
        ),
        migrations.RenameField(model_name="projectsignal", old_name="lag_points", new_name="gap_points"),
        migrations.AlterField(
            model_name="projectsignal",
            name="gap_points",
            field=models.DecimalField(
                blank=True, decimal_places=2, max_digits=9, null=True, verbose_name="差距(百分点)"
            ),
        ),
        migrations.RunPython(negate_gap_points, negate_gap_points),
    ]
