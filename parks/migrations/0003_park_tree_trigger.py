"""A trigger keeps the park tree well formed: a sub-park sits in a zone, a cluster in a zone or park.

A check constraint cannot look at another row, so this rule lives in a trigger (SQLite and PostgreSQL).
"""

from django.db import migrations

MESSAGE = "park tree: the parent of a sub_park must be a development_zone, of a cluster a development_zone or sub_park"

SQLITE = [
    f"""
    CREATE TRIGGER park_tree_{event.lower()} BEFORE {event} ON parks_park
    WHEN NEW.parent_id IS NOT NULL AND (
        (NEW.kind = 'sub_park' AND (SELECT kind FROM parks_park WHERE id = NEW.parent_id) != 'development_zone')
        OR (NEW.kind = 'cluster' AND (SELECT kind FROM parks_park WHERE id = NEW.parent_id) = 'cluster'))
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """
    for event in ("INSERT", "UPDATE")
]
POSTGRES = [
    f"""
    CREATE OR REPLACE FUNCTION park_tree_check() RETURNS trigger AS $$
    DECLARE parent_kind text;
    BEGIN
        IF NEW.parent_id IS NULL THEN RETURN NEW; END IF;
        SELECT kind INTO parent_kind FROM parks_park WHERE id = NEW.parent_id;
        IF (NEW.kind = 'sub_park' AND parent_kind <> 'development_zone')
           OR (NEW.kind = 'cluster' AND parent_kind = 'cluster') THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER park_tree BEFORE INSERT OR UPDATE ON parks_park
    FOR EACH ROW EXECUTE FUNCTION park_tree_check();
    """,
]
DROP = {
    "sqlite": ["DROP TRIGGER IF EXISTS park_tree_insert", "DROP TRIGGER IF EXISTS park_tree_update"],
    "postgresql": ["DROP TRIGGER IF EXISTS park_tree ON parks_park", "DROP FUNCTION IF EXISTS park_tree_check()"],
}


def create(apps, schema_editor):
    for sql in {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    for sql in DROP.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("parks", "0002_initial")]
    operations = [migrations.RunPython(create, drop)]
