# The chain's leading company moves from parks.IndustryChain.chain_leader to projects.ChainLeader, so
# parks keeps no link up to the companies; the existing leaders are copied here, the old field is
# removed by parks 0004.

import django.db.models.deletion
from django.db import migrations, models


def copy_leaders(apps, schema_editor):
    IndustryChain = apps.get_model("parks", "IndustryChain")
    ChainLeader = apps.get_model("projects", "ChainLeader")
    ChainLeader.objects.bulk_create(
        ChainLeader(chain_id=chain_id, company_id=company_id)
        for chain_id, company_id in IndustryChain.objects.filter(chain_leader__isnull=False).values_list(
            "pk", "chain_leader_id"
        )
    )


def copy_leaders_back(apps, schema_editor):
    IndustryChain = apps.get_model("parks", "IndustryChain")
    ChainLeader = apps.get_model("projects", "ChainLeader")
    for chain_id, company_id in ChainLeader.objects.values_list("chain_id", "company_id"):
        IndustryChain.objects.filter(pk=chain_id).update(chain_leader_id=company_id)


class Migration(migrations.Migration):
    dependencies = [
        ("parks", "0003_park_tree_trigger"),
        ("projects", "0005_money_upper_bound"),
    ]

    operations = [
        migrations.CreateModel(
            name="ChainLeader",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "chain",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="leader",
                        to="parks.industrychain",
                        verbose_name="产业链",
                    ),
                ),
                (
                    "company",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="led_chains",
                        to="projects.company",
                        verbose_name="链主企业",
                    ),
                ),
            ],
            options={
                "verbose_name": "链主企业",
                "verbose_name_plural": "链主企业",
                "ordering": ["chain"],
            },
        ),
        migrations.RunPython(copy_leaders, copy_leaders_back),
    ]
