"""The published text a figure is quoted from is a SourceReport, and a figure's link to it is `source_report`,
so it is never confused with a staff member's monthly ProgressReport.

The quote trigger names the table and column, so it is dropped before the rename and created again after.
"""

from django.db import migrations

MESSAGE = "figure quote does not occur in its report at quote_offset"

SQLITE = [
    f"""
    CREATE TRIGGER figure_quote_{event.lower()} BEFORE {event} ON investment_figure
    WHEN (SELECT substr(text, NEW.quote_offset + 1, length(NEW.quote)) FROM investment_sourcereport
          WHERE id = NEW.source_report_id) IS NOT NEW.quote
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """
    for event in ("INSERT", "UPDATE")
]
POSTGRES = [
    f"""
    CREATE OR REPLACE FUNCTION figure_quote_check() RETURNS trigger AS $$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM investment_sourcereport r WHERE r.id = NEW.source_report_id
                       AND substr(r.text, NEW.quote_offset + 1, length(NEW.quote)) = NEW.quote) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER figure_quote BEFORE INSERT OR UPDATE ON investment_figure
    FOR EACH ROW EXECUTE FUNCTION figure_quote_check();
    """,
]
# The trigger as migration 0003 created it (for migrating backwards).
OLD = {
    "sqlite": [
        sql.replace("investment_sourcereport", "investment_report").replace("source_report_id", "report_id")
        for sql in SQLITE
    ],
    "postgresql": [
        sql.replace("investment_sourcereport", "investment_report").replace("source_report_id", "report_id")
        for sql in POSTGRES
    ],
}
NEW = {"sqlite": SQLITE, "postgresql": POSTGRES}
DROP = {
    "sqlite": ["DROP TRIGGER IF EXISTS figure_quote_insert", "DROP TRIGGER IF EXISTS figure_quote_update"],
    "postgresql": [
        "DROP TRIGGER IF EXISTS figure_quote ON investment_figure",
        "DROP FUNCTION IF EXISTS figure_quote_check()",
    ],
}


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("investment", "0004_rollups"), ("projects", "0005_money_upper_bound")]
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
