"""The published text a figure is quoted from is a SourceReport, and a figure's link to it is `source_report`,
so it is never confused with a staff member's monthly ProgressReport.

The quote trigger names the table and column, so it is dropped before the rename and created again after.
"""

from importlib import import_module

from django.db import migrations

# Migration 0003's statements, renamed: the trigger is the same check on the renamed table and column.
_0003 = import_module("investment.migrations.0003_figure_quote_trigger")


def _renamed(statements: list[str]) -> list[str]:
    return [
        sql.replace("investment_report", "investment_sourcereport").replace("report_id", "source_report_id")
        for sql in statements
    ]


OLD = {"sqlite": _0003.SQLITE, "postgresql": _0003.POSTGRES}
NEW = {"sqlite": _renamed(_0003.SQLITE), "postgresql": _renamed(_0003.POSTGRES)}
DROP = _0003.DROP


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("investment", "0005_project_signal_names"), ("projects", "0005_money_upper_bound")]
    operations = [
        migrations.RunPython(_run(DROP), _run(OLD)),
        migrations.RenameModel("Report", "SourceReport"),
        migrations.RenameField("figure", "report", "source_report"),
        migrations.RenameField("historicalfigure", "report", "source_report"),
        migrations.AlterModelOptions(
            name="figure",
            options={
                "ordering": ["source_report", "quote_offset", "id"],
                "verbose_name": "数据",
                "verbose_name_plural": "数据",
            },
        ),
        migrations.RunPython(_run(NEW), _run(DROP)),
    ]
