"""A trigger checks that a figure's quote stands in its report's text at its offset.

Provenance is the portal's promise, so it is enforced by the database, not only by the importer.
"""

from django.db import migrations

MESSAGE = "figure quote does not occur in its report at quote_offset"

SQLITE = [
    f"""
    CREATE TRIGGER figure_quote_{event.lower()} BEFORE {event} ON investment_figure
    WHEN (SELECT substr(text, NEW.quote_offset + 1, length(NEW.quote)) FROM investment_report
          WHERE id = NEW.report_id) IS NOT NEW.quote
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """
    for event in ("INSERT", "UPDATE")
]
POSTGRES = [
    f"""
    CREATE OR REPLACE FUNCTION figure_quote_check() RETURNS trigger AS $$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM investment_report r WHERE r.id = NEW.report_id
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
DROP = {
    "sqlite": ["DROP TRIGGER IF EXISTS figure_quote_insert", "DROP TRIGGER IF EXISTS figure_quote_update"],
    "postgresql": [
        "DROP TRIGGER IF EXISTS figure_quote ON investment_figure",
        "DROP FUNCTION IF EXISTS figure_quote_check()",
    ],
}


def create(apps, schema_editor):
    for sql in {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    for sql in DROP.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("investment", "0002_initial")]
    operations = [migrations.RunPython(create, drop)]
