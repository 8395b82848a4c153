"""The benchmark's floor: a tiny WSGI app that answers the timed API paths with one hand-written SQL query
each, returning the same JSON as the portal, so the benchmark can print how far the portal is from it.

Plain psycopg, no Django: one persistent connection per worker process, JSON built in PostgreSQL
(json_build_object/json_agg) and passed through as text. Requests are read as the caller the benchmark
uses for each path (anonymous for projects and figures, an official for progress reports); nothing is
authenticated. PostgreSQL only.

    FLOOR_DATABASE_URL=postgres://… FLOOR_LABELS='{…}' gunicorn --chdir scripts floor_app:app --workers 2

FLOOR_LABELS holds the choice labels the serializers print (the benchmark reads them from the models).
"""

import json
import os
import re
from urllib.parse import parse_qs, urlencode

import psycopg

DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 50, 200
TIME_ZONE = "Asia/Shanghai"  # settings.TIME_ZONE: the API writes datetimes in it, e.g. 2026-03-05T10:00:00+08:00
TIME_ZONE_OFFSET = "+08:00"

LABELS = json.loads(os.environ.get("FLOOR_LABELS", "{}"))

_connection = None


def _db():
    """This worker's one connection, opened on first use (after gunicorn forks) and again if it broke."""
    global _connection
    if _connection is None or _connection.closed or _connection.broken:
        _connection = psycopg.connect(os.environ["FLOOR_DATABASE_URL"], autocommit=True)
    return _connection


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _labels(column: str, field: str) -> str:
    """get_<field>_display() in SQL: the label of the value, or the value itself when it has none."""
    labels = LABELS.get(field, {})
    cases = " ".join(f"WHEN {_literal(value)} THEN {_literal(label)}" for value, label in labels.items())
    return f"CASE {column} {cases} ELSE {column} END" if cases else column


def _iso(column: str) -> str:
    """A timestamp as DRF writes it: local time, microseconds only when there are some, and the offset."""
    return (
        f"CASE WHEN {column} IS NULL THEN NULL ELSE to_char({column} AT TIME ZONE '{TIME_ZONE}', "
        f"CASE WHEN mod(extract(microseconds FROM {column})::bigint, 1000000) = 0 "
        f"""THEN 'YYYY-MM-DD"T"HH24:MI:SS' ELSE 'YYYY-MM-DD"T"HH24:MI:SS.US' END) || '{TIME_ZONE_OFFSET}' END"""
    )


def _ref(alias: str) -> str:
    return f"CASE WHEN {alias}.id IS NULL THEN NULL ELSE json_build_object('id', {alias}.id, 'name', {alias}.name) END"


# ProgressReport.objects.counted(): approved, not superseded, and no approved correction.
COUNTED = (
    "{r}.status = 'approved' AND NOT {r}.is_superseded AND NOT EXISTS "
    "(SELECT 1 FROM projects_progressreport fix WHERE fix.corrects_id = {r}.id AND fix.status = 'approved')"
)


def _project_rows(ids_sql: str) -> str:
    """ProjectSerializer for the projects ids_sql selects (a query with columns id, ord), as one JSON array."""
    return f"""
    SELECT COALESCE(json_agg(json_build_object(
        'id', p.id, 'code', p.code, 'name', p.name, 'aliases', p.aliases,
        'region', json_build_object('id', rg.id, 'name', rg.name),
        'park', {_ref("pk")}, 'industry_chain', {_ref("ch")}, 'company', {_ref("co")},
        'category', p.category, 'category_display', {_labels("p.category", "category")},
        'construction_type', p.construction_type,
        'construction_type_display', {_labels("p.construction_type", "construction_type")},
        'priority_level', p.priority_level, 'priority_level_display', {_labels("p.priority_level", "priority_level")},
        'is_major', p.is_major, 'pool', p.pool, 'pool_display', {_labels("p.pool", "pool")},
        'total_investment', p.total_investment::text, 'planned_start', p.planned_start, 'planned_end', p.planned_end,
        'capacity', p.capacity, 'description', p.description, 'responsible_unit', p.responsible_unit,
        'longitude', p.longitude::text, 'latitude', p.latitude::text, 'in_statistics', p.in_statistics,
        'is_public', p.is_public, 'signal', p.signal, 'signal_display', {_labels("p.signal", "signal")},
        'is_synthetic', p.is_synthetic, 'milestones', ms.rows, 'contacts', json_build_array(),
        'latest_progress', lp.row, 'cumulative_investment', cu.total::text, 'updated_at', {_iso("p.updated_at")}
    ) ORDER BY page.ord), '[]')::text
    FROM ({ids_sql}) page
    JOIN projects_project p ON p.id = page.id
    JOIN parks_region rg ON rg.id = p.region_id
    LEFT JOIN parks_park pk ON pk.id = p.park_id
    LEFT JOIN parks_industrychain ch ON ch.id = p.industry_chain_id
    LEFT JOIN projects_company co ON co.id = p.company_id
    CROSS JOIN LATERAL (
        SELECT COALESCE(json_agg(json_build_object(
            'kind', m.kind, 'kind_display', {_labels("m.kind", "milestone_kind")},
            'planned_date', m.planned_date, 'planned_precision', m.planned_precision,
            'actual_date', m.actual_date, 'date_precision', m.date_precision,
            'reached_undated', m.reached_undated, 'batch', {_ref("b")}
        ) ORDER BY m.kind, m.id), '[]') AS rows
        FROM projects_milestone m LEFT JOIN projects_batch b ON b.id = m.batch_id
        WHERE m.project_id = p.id
    ) ms
    LEFT JOIN LATERAL (
        SELECT json_build_object(
            'id', r.id, 'period', r.period, 'investment_completed', r.investment_completed::text,
            'physical_progress', r.physical_progress, 'stage', r.stage, 'reviewed_at', {_iso("r.reviewed_at")}
        ) AS row
        FROM projects_progressreport r
        WHERE r.project_id = p.id AND {COUNTED.format(r="r")}
        ORDER BY r.period DESC, r.id DESC LIMIT 1
    ) lp ON true
    CROSS JOIN LATERAL (
        SELECT sum(r.investment_completed) AS total FROM projects_progressreport r
        WHERE r.project_id = p.id AND {COUNTED.format(r="r")}
    ) cu
    """


def _like(value: str) -> str:
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _project_filters(query: dict) -> tuple[str, str, dict]:
    """The anonymous caller's projects narrowed by the filters the benchmark sends: (joins, where, params)."""
    where, params, joins = ["p.is_public"], {}, ""
    if query.get("region"):
        where.append("p.region_id = %(region)s")
        params["region"] = int(query["region"][0])
    if query.get("category"):
        where.append("p.category = ANY(%(category)s)")
        params["category"] = list(query["category"])
    q = (query.get("q") or [""])[0].strip()
    if q:
        joins = "LEFT JOIN projects_company co ON co.id = p.company_id"
        params["q"] = _like(q)
        where.append(
            "(upper(p.name) LIKE upper(%(q)s) OR upper(co.name) LIKE upper(%(q)s) OR upper(p.description) LIKE "
            "upper(%(q)s) OR upper(p.aliases::text) LIKE upper(%(q)s) OR upper(co.aliases::text) LIKE upper(%(q)s))"
        )
    unknown = set(query) - {"region", "category", "q", "page", "page_size"}
    if unknown:
        raise ValueError(f"the floor has no filter {sorted(unknown)}")
    return joins, " AND ".join(where), params


def _page(query: dict) -> tuple[int, int]:
    page = int((query.get("page") or ["1"])[0])
    size = min(int((query.get("page_size") or [str(DEFAULT_PAGE_SIZE)])[0]), MAX_PAGE_SIZE)
    return page, size


def _page_url(environ, query: dict, page: int | None) -> str:
    """DRF's next/previous link: this URL with `page` replaced (or removed for page 1), parameters sorted."""
    query = {k: list(v) for k, v in query.items()}
    if page is None:
        query.pop("page", None)
    else:
        query["page"] = [str(page)]
    url = f"http://{environ.get('HTTP_HOST', 'localhost')}{environ.get('PATH_INFO', '/')}"
    return url + ("?" + urlencode(sorted(query.items()), doseq=True) if query else "")


def _paginated(environ, query, count: int, page: int, size: int, results: str) -> bytes:
    next_url = _page_url(environ, query, page + 1) if page * size < count else None
    previous = None if page == 1 else _page_url(environ, query, None if page == 2 else page - 1)
    return (
        f'{{"count":{count},"next":{json.dumps(next_url)},"previous":{json.dumps(previous)},"results":{results}}}'
    ).encode()


def project_list(environ, query):
    joins, where, params = _project_filters(query)
    page, size = _page(query)
    params.update(limit=size, offset=(page - 1) * size)
    ids = (
        f"SELECT p.id, row_number() OVER (ORDER BY p.name, p.id) AS ord FROM projects_project p {joins} "
        f"WHERE {where} ORDER BY p.name, p.id LIMIT %(limit)s OFFSET %(offset)s"
    )
    sql = f"SELECT (SELECT count(*) FROM projects_project p {joins} WHERE {where}), ({_project_rows(ids)})"
    count, results = _db().execute(sql, params).fetchone()
    return 200, _paginated(environ, query, count, page, size, results)


def project_detail(environ, query, pk: int):
    ids = "SELECT p.id, 1 AS ord FROM projects_project p WHERE p.id = %(pk)s AND p.is_public"
    (rows,) = _db().execute(_project_rows(ids), {"pk": pk}).fetchone()
    if rows == "[]":
        return 404, b'{"detail":"Not found."}'
    return 200, rows[1:-1].strip().encode()


def _money_total(same_year: bool) -> str:
    # The report's own amount plus the counted months before it (of its year for year_to_date).
    year = "AND c.period >= date_trunc('year', r.period)::date" if same_year else ""
    return (
        f"round(COALESCE((SELECT sum(c.investment_completed) FROM projects_progressreport c "
        f"WHERE c.project_id = r.project_id AND c.period < r.period {year} AND {COUNTED.format(r='c')}), 0) "
        f"+ r.investment_completed, 2)::text"
    )


def progress_report_list(environ, query):
    """Every report, as a reader of everything sees them: newest month first, then project name."""
    if set(query) - {"page", "page_size"}:
        raise ValueError("the floor takes no filters on progress reports")
    page, size = _page(query)
    sql = f"""
    SELECT (SELECT count(*) FROM projects_progressreport), COALESCE((SELECT json_agg(json_build_object(
        'id', r.id, 'project', r.project_id, 'project_name', page.name, 'period', to_char(r.period, 'YYYY-MM'),
        'investment_completed', r.investment_completed::text,
        'year_to_date', {_money_total(True)}, 'since_start', {_money_total(False)},
        'physical_progress', r.physical_progress, 'stage', r.stage, 'workers_on_site', r.workers_on_site,
        'narrative', r.narrative, 'explanation', r.explanation, 'status', r.status, 'review_note', r.review_note,
        'corrects', r.corrects_id, 'is_superseded', r.is_superseded, 'version', r.version,
        'created_by', cb.username, 'submitted_at', {_iso("r.submitted_at")},
        'reviewed_by', rb.username, 'reviewed_at', {_iso("r.reviewed_at")}
    ) ORDER BY page.ord)
    FROM (
        SELECT r.id, p.name, row_number() OVER (ORDER BY r.period DESC, p.name, r.id) AS ord
        FROM projects_progressreport r JOIN projects_project p ON p.id = r.project_id
        ORDER BY r.period DESC, p.name, r.id LIMIT %(limit)s OFFSET %(offset)s
    ) page
    JOIN projects_progressreport r ON r.id = page.id
    LEFT JOIN auth_user cb ON cb.id = r.created_by_id
    LEFT JOIN auth_user rb ON rb.id = r.reviewed_by_id), '[]')::text
    """
    count, results = _db().execute(sql, {"limit": size, "offset": (page - 1) * size}).fetchone()
    return 200, _paginated(environ, query, count, page, size, results)


FIGURES_VISIBLE = "s.published_on IS NOT NULL AND (f.project_id IS NULL OR p.is_public)"


def figure_list(environ, query):
    """Figures of published reports (and not of unpublished projects), as the anonymous caller sees them."""
    if set(query) - {"page", "page_size"}:
        raise ValueError("the floor takes no filters on figures")
    page, size = _page(query)
    scope = " ".join(
        f"WHEN f.scope_kind = '{kind}' AND {alias}.id IS NOT NULL "
        f"THEN json_build_object('id', {alias}.id, 'name', {alias}.name)"
        for kind, alias in (("region", "rg"), ("park", "pk"), ("project", "sp"), ("company", "co"))
    )
    sql = f"""
    SELECT (SELECT count(*) FROM investment_figure f JOIN investment_sourcereport s ON s.id = f.source_report_id
            LEFT JOIN projects_project p ON p.id = f.project_id WHERE {FIGURES_VISIBLE}),
    COALESCE((SELECT json_agg(json_build_object(
        'id', f.id, 'source_report', json_build_object('id', s.id, 'title', s.title, 'published_on', s.published_on),
        'indicator', CASE WHEN i.id IS NULL THEN NULL ELSE json_build_object('code', i.code, 'name_zh', i.name_zh) END,
        'subject', f.subject, 'scope_kind', f.scope_kind, 'scope', CASE {scope} END,
        'period_label', f.period_label, 'period_start', f.period_start, 'period_end', f.period_end,
        'value_printed', f.value_printed, 'unit_printed', f.unit_printed, 'value', f.value::text, 'unit', f.unit,
        'kind', f.kind, 'measure', f.measure, 'comparator', f.comparator, 'quote', f.quote,
        'quote_offset', f.quote_offset, 'note', f.note, 'restates', f.restates_id, 'is_synthetic', f.is_synthetic
    ) ORDER BY page.ord)
    FROM (
        SELECT f.id, row_number() OVER (ORDER BY s.published_on DESC, s.file_name, f.quote_offset, f.id) AS ord
        FROM investment_figure f JOIN investment_sourcereport s ON s.id = f.source_report_id
        LEFT JOIN projects_project p ON p.id = f.project_id
        WHERE {FIGURES_VISIBLE}
        ORDER BY s.published_on DESC, s.file_name, f.quote_offset, f.id LIMIT %(limit)s OFFSET %(offset)s
    ) page
    JOIN investment_figure f ON f.id = page.id
    JOIN investment_sourcereport s ON s.id = f.source_report_id
    LEFT JOIN investment_indicator i ON i.id = f.indicator_id
    LEFT JOIN parks_region rg ON rg.id = f.region_id
    LEFT JOIN parks_park pk ON pk.id = f.park_id
    LEFT JOIN projects_project sp ON sp.id = f.project_id
    LEFT JOIN projects_company co ON co.id = f.company_id), '[]')::text
    """
    count, results = _db().execute(sql, {"limit": size, "offset": (page - 1) * size}).fetchone()
    return 200, _paginated(environ, query, count, page, size, results)


ROUTES = [
    (re.compile(r"^/api/v1/projects/$"), project_list),
    (re.compile(r"^/api/v1/projects/(\d+)/$"), project_detail),
    (re.compile(r"^/api/v1/progress-reports/$"), progress_report_list),
    (re.compile(r"^/api/v1/figures/$"), figure_list),
]


def app(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    if path == "/healthz":
        status, body = 200, b'{"status":"ok"}'
    else:
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        status, body = 404, b'{"detail":"Not found."}'
        for pattern, view in ROUTES:
            match = pattern.match(path)
            if match:
                try:
                    status, body = view(environ, query, *(int(g) for g in match.groups()))
                except ValueError as error:
                    status, body = 400, json.dumps({"detail": str(error)}).encode()
                break
    reason = {200: "OK", 400: "Bad Request", 404: "Not Found"}[status]
    start_response(
        f"{status} {reason}",
        [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
    )
    return [body]
