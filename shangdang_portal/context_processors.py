"""What every page's template is given: whether the portal holds 演示数据 (synthetic rows), for the banner."""

from django.apps import apps
from django.db import connection
from django.utils.functional import SimpleLazyObject

# The models whose is_synthetic flag marks demo or benchmark rows (by label: this package imports no app).
SYNTHETIC_MODELS = (
    "projects.Project",
    "projects.ProgressReport",
    "projects.Company",
    "projects.Batch",
    "investment.AnnualPlan",
    "investment.CampaignYear",
    "investment.Figure",
)


def synthetic_data_exists() -> bool:
    """One query: EXISTS over every flagged table (the large ones have a partial index on the flag)."""
    parts, params = [], []
    for label in SYNTHETIC_MODELS:
        query = apps.get_model(label)._base_manager.filter(is_synthetic=True).values("pk")[:1].query
        sql, sql_params = query.sql_with_params()
        parts.append(f"EXISTS ({sql})")
        params.extend(sql_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + " OR ".join(parts), params)
        return bool(cursor.fetchone()[0])


def demo_data(request):
    """``demo_data``: true while any synthetic row exists. Asked only when a template reads it, and once
    per request however many templates do."""

    def ask() -> bool:
        if not hasattr(request, "_demo_data"):
            request._demo_data = synthetic_data_exists()
        return request._demo_data

    return {"demo_data": SimpleLazyObject(ask)}
