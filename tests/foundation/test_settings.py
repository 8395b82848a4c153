"""Settings per environment, checked the way an operator meets them: by starting manage.py."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, **env):
    full_env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", DJANGO_SETTINGS_MODULE="shangdang_portal.settings.production")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_passes_check_deploy_without_warnings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="shangdang_portal.settings.production",
        DJANGO_SECRET_KEY="k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyzABCDEF",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_embedded_default_is_sqlite_under_var_and_eager_tasks():
    code = (
        "import django, os; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'], s.CELERY_TASK_ALWAYS_EAGER)"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["DJANGO_SETTINGS_MODULE"] = "shangdang_portal.settings.dev"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    engine, name, eager = out.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert name == str(ROOT / "var" / "portal.sqlite3")
    assert eager == "True"


def test_with_urls_set_the_same_code_uses_postgres_and_redis():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER)"
    )
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="shangdang_portal.settings.dev",
        DATABASE_URL="postgres://u@db.example:5432/portal",
        REDIS_URL="redis://cache.example:6379/0",
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.stdout.split() == ["django.db.backends.postgresql", "redis://cache.example:6379/0", "False"]


def test_check_deploy_passes_with_the_docker_compose_defaults():
    """The environment docker-compose.yml gives web, worker and beat, with each ${VAR:-default} at its default."""
    import re

    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    env = {}
    for name, value in compose["services"]["web"]["environment"].items():
        value = re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", str(value))
        env[name] = re.sub(r"\$\{[A-Z_]+:\?[^}]*\}", "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyzABCDEF", value)
    assert env["DJANGO_SECURE_SSL_REDIRECT"] == "false"
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
