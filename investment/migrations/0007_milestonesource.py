# Where a milestone's date was read moves from projects.Milestone.report/quote to MilestoneSource, owned by
# the sources; the existing rows are copied here, the old fields are removed by projects 0007.

import django.db.models.deletion
from django.db import migrations, models


def copy_sources(apps, schema_editor):
    Milestone = apps.get_model("projects", "Milestone")
    MilestoneSource = apps.get_model("investment", "MilestoneSource")
    MilestoneSource.objects.bulk_create(
        MilestoneSource(milestone_id=pk, source_report_id=report_id, quote=quote)
        for pk, report_id, quote in Milestone.objects.filter(report__isnull=False).values_list(
            "pk", "report_id", "quote"
        )
    )


def copy_sources_back(apps, schema_editor):
    Milestone = apps.get_model("projects", "Milestone")
    MilestoneSource = apps.get_model("investment", "MilestoneSource")
    for milestone_id, report_id, quote in MilestoneSource.objects.values_list("milestone_id", "source_report_id", "quote"):
        Milestone.objects.filter(pk=milestone_id).update(report_id=report_id, quote=quote)


class Migration(migrations.Migration):
    dependencies = [
        ("investment", "0006_source_report"),
        ("projects", "0006_chainleader"),
    ]

    operations = [
        migrations.CreateModel(
            name="MilestoneSource",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("quote", models.TextField(blank=True, verbose_name="原文")),
                (
                    "milestone",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="source",
                        to="projects.milestone",
                        verbose_name="节点",
                    ),
                ),
                (
                    "source_report",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="milestone_sources",
                        to="investment.sourcereport",
                        verbose_name="来源报道",
                    ),
                ),
            ],
            options={
                "verbose_name": "节点来源",
                "verbose_name_plural": "节点来源",
                "ordering": ["milestone"],
            },
        ),
        migrations.RunPython(copy_sources, copy_sources_back),
    ]
