# One image for web, worker and beat (docker-compose.yml changes only the command).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm gettext libpango-1.0-0 libpangoft2-1.0-0 fonts-wqy-microhei postgresql-client && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml constraints.txt package.json package-lock.json ./
RUN pip install --no-cache-dir -c constraints.txt . && npm ci --no-audit --no-fund
COPY . .
RUN pybabel compile --domain=django --directory=locale --use-fuzzy \
 && DJANGO_SECRET_KEY=build-only-$(python -c 'import secrets; print(secrets.token_hex(32))') \
    DJANGO_SETTINGS_MODULE=shangdang_portal.settings.production python manage.py collectstatic --no-input
EXPOSE 8000
CMD ["gunicorn", "shangdang_portal.wsgi", "--bind", "0.0.0.0:8000"]
