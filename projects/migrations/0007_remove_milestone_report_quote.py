# Milestone provenance now lives in investment.MilestoneSource (copied there by investment 0006).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("investment", "0007_milestonesource"),
        ("projects", "0006_chainleader"),
    ]

    operations = [
        migrations.RemoveField(model_name="historicalmilestone", name="quote"),
        migrations.RemoveField(model_name="historicalmilestone", name="report"),
        migrations.RemoveField(model_name="milestone", name="quote"),
        migrations.RemoveField(model_name="milestone", name="report"),
    ]
