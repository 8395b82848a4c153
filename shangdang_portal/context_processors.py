"""What every page's template is given: whether the portal holds 演示数据 (synthetic rows), for the banner."""

import functools

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


@functools.cache
def _synthetic_sql(vendor: str) -> tuple[str, tuple]:
    # Compiled once per process and database kind: building seven querysets cost every page more than the
    # query itself. Unordered, so each EXISTS stops at the first flagged row the partial index gives.
    parts, params = [], []
    for label in SYNTHETIC_MODELS:
        query = apps.get_model(label)._base_manager.filter(is_synthetic=True).order_by().values("pk")[:1].query
        sql, sql_params = query.sql_with_params()
        parts.append(f"EXISTS ({sql})")
        params.extend(sql_params)
    return "SELECT " + " OR ".join(parts), tuple(params)


def synthetic_data_exists() -> bool:
    """One query: EXISTS over every flagged table (the large ones have a partial index on the flag)."""
    sql, params = _synthetic_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return bool(cursor.fetchone()[0])


def demo_data(request):
    """``demo_data``: true while any synthetic row exists. Asked only when a template reads it, and once
    per request however many templates do."""

    def ask() -> bool:
        if not hasattr(request, "_demo_data"):
            request._demo_data = synthetic_data_exists()
        return request._demo_data

    return {"demo_data": SimpleLazyObject(ask)}
