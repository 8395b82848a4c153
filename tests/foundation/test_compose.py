"""docker-compose.yml, read as Compose would: no engine runs here, so the file itself is checked."""

from pathlib import Path

import yaml

COMPOSE = yaml.safe_load((Path(__file__).resolve().parents[2] / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_the_five_services_are_there():
    assert set(SERVICES) == {"postgres", "redis", "web", "worker", "beat"}


def test_worker_and_beat_reuse_the_web_image_and_change_only_the_command():
    for name in ("worker", "beat"):
        service = {k: v for k, v in SERVICES[name].items() if k not in ("command", "healthcheck")}
        web = {k: v for k, v in SERVICES["web"].items() if k not in ("command", "healthcheck", "ports")}
        assert service == web, name
    assert SERVICES["worker"]["command"].startswith("celery -A shangdang_portal worker")
    assert SERVICES["beat"]["command"].startswith("celery -A shangdang_portal beat")
    assert "gunicorn shangdang_portal.wsgi" in SERVICES["web"]["command"]


def test_app_services_point_at_postgres_and_redis_and_wait_for_them():
    for name in ("web", "worker", "beat"):
        env = SERVICES[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://") and "@postgres:5432/" in env["DATABASE_URL"]
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert env["DJANGO_SETTINGS_MODULE"] == "shangdang_portal.settings.production"
        assert SERVICES[name]["depends_on"] == {
            "postgres": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
        }


def test_health_checks_and_named_volumes():
    for name in ("postgres", "redis", "web", "worker"):
        assert SERVICES[name]["healthcheck"]["test"], name
    assert set(COMPOSE["volumes"]) == {"pgdata", "redisdata", "media"}
    assert "pgdata:/var/lib/postgresql/data" in SERVICES["postgres"]["volumes"]
