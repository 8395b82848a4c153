"""Backups an operator can restore: the database (PostgreSQL: pg_dump's custom format; SQLite: a copy made with
SQLite's online backup) and the media files (photos, ledger uploads) as a tar, side by side in one folder.

`manage.py backup [--output DIR]` writes DIR/<timestamp>/; `manage.py restore FOLDER [--database-url URL]` puts both
back, into the configured database or into another one (a fresh database to check a backup against).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import tarfile
from pathlib import Path

import environ
from django.conf import settings
from django.db import connections
from django.utils import timezone

DUMP = "database.dump"  # pg_dump --format=custom
SQLITE_COPY = "database.sqlite3"
MEDIA = "media.tar.gz"


class BackupError(Exception):
    pass


def _postgres_env(db: dict) -> tuple[list[str], dict]:
    """pg_dump/pg_restore arguments and environment for a Django database settings dict (password not on argv)."""
    args = ["--host", str(db.get("HOST") or "127.0.0.1"), "--port", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = dict(os.environ, PGPASSWORD=str(db.get("PASSWORD") or ""))
    return args, env


def _run(command: list[str], env: dict | None = None) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")


def backup(*, output: Path, database: str = "default") -> Path:
    """Write the database and the media files into a new folder under `output`; returns that folder."""
    folder = Path(output) / timezone.localtime().strftime("%Y%m%d-%H%M%S")
    folder.mkdir(parents=True, exist_ok=False)
    db = connections[database].settings_dict
    if connections[database].vendor == "postgresql":
        args, env = _postgres_env(db)
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(folder / DUMP), *args, db["NAME"]], env)
    elif connections[database].vendor == "sqlite":
        with sqlite3.connect(db["NAME"]) as source, sqlite3.connect(folder / SQLITE_COPY) as copy:
            source.backup(copy)
    else:
        raise BackupError(f"no backup for the {connections[database].vendor} database")
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(folder / MEDIA, "w:gz") as tar:
        if media.exists():
            tar.add(media, arcname="media")
    return folder


def restore(*, folder: Path, database_url: str | None = None, media: bool = True) -> dict:
    """Put a backup folder back: the database into the configured one (or `database_url`), replacing what it holds,
    and the media files into MEDIA_ROOT (files of the same name are overwritten, others left)."""
    folder = Path(folder)
    db = environ.Env.db_url_config(database_url) if database_url else connections["default"].settings_dict
    engine = db["ENGINE"]
    if (folder / DUMP).exists():
        if "postgresql" not in engine:
            raise BackupError("a PostgreSQL dump restores into PostgreSQL only")
        args, env = _postgres_env(db)
        connections.close_all()
        command = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--exit-on-error", "--single-transaction"]
        _run([*command, *args, "--dbname", db["NAME"], str(folder / DUMP)], env)
    elif (folder / SQLITE_COPY).exists():
        if "sqlite" not in engine:
            raise BackupError("a SQLite copy restores into SQLite only")
        connections.close_all()
        with sqlite3.connect(folder / SQLITE_COPY) as copy, sqlite3.connect(db["NAME"]) as target:
            copy.backup(target)
    else:
        raise BackupError(f"{folder} holds no {DUMP} or {SQLITE_COPY}")
    restored = 0
    if media and (folder / MEDIA).exists():
        target = Path(settings.MEDIA_ROOT)
        target.mkdir(parents=True, exist_ok=True)
        with tarfile.open(folder / MEDIA, "r:gz") as tar:
            members = [m for m in tar.getmembers() if m.name.startswith("media/") and m.isfile()]
            for member in members:
                member.name = member.name.removeprefix("media/")
            # The "data" filter refuses absolute paths, links out of the folder and device files.
            tar.extractall(target, members=members, filter="data")
            restored = len(members)
    return {"database": db["NAME"], "media_files": restored}
