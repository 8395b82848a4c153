"""Backups that restore: `manage.py backup` then `manage.py restore` into a fresh database finds the same rows and
the same media files."""

import io
import uuid

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from tests.factories import ProjectFactory

TABLES = ["projects_project", "parks_region", "auth_user", "django_migrations"]


def _server_url(db: dict, name: str) -> str:
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _rows(url: str) -> dict:
    with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}  # noqa: S608
        names = [r[0] for r in conn.execute("SELECT name FROM projects_project ORDER BY id")]
    return {"counts": counts, "project_names": names}


@pytest.fixture
def fresh_database():
    db = settings.DATABASES["default"]
    name = f"restore_{uuid.uuid4().hex[:10]}"
    admin = _server_url(db, "postgres").replace("postgres://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield _server_url(db, name)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_a_fresh_database_has_the_same_rows_and_media(tmp_path, fresh_database, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "progress").mkdir(parents=True)
    photo = tmp_path / "media" / "progress" / "site.jpg"
    photo.write_bytes(b"\xff\xd8\xff photo bytes")
    ProjectFactory.create_batch(3)
    ProjectFactory(name="备份恢复测试项目（含中文）")
    db = settings.DATABASES["default"]
    before = _rows(_server_url(db, connection.settings_dict["NAME"]))
    assert before["counts"]["projects_project"] == 4

    out = io.StringIO()
    call_command("backup", "--output", str(tmp_path / "backups"), stdout=out)
    folder = out.getvalue().strip()
    photo.unlink()

    call_command("restore", folder, "--database-url", fresh_database, "--yes", stdout=io.StringIO())
    assert _rows(fresh_database) == before
    assert photo.read_bytes() == b"\xff\xd8\xff photo bytes"


@pytest.mark.django_db
def test_restore_refuses_a_folder_that_is_no_backup(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no database.dump"):
        call_command("restore", str(tmp_path), "--yes")
    with pytest.raises(CommandError, match="not a folder"):
        call_command("restore", str(tmp_path / "missing"), "--yes")
