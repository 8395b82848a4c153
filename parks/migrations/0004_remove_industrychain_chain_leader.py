# The chain's leading company now lives in projects.ChainLeader (copied there by projects 0006).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("parks", "0003_park_tree_trigger"),
        ("projects", "0006_chainleader"),
    ]

    operations = [
        migrations.RemoveField(model_name="industrychain", name="chain_leader"),
    ]
