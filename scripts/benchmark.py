"""Benchmark the main API endpoints on a synthetic data set, on loopback, against /healthz as the floor.

    python scripts/benchmark.py --projects 2000 --months 12      (or: make bench BENCH_ARGS="...")
    python scripts/benchmark.py --rollups 10000 100000           (roll-up timings at those sizes)
    python scripts/benchmark.py --ledger 300 10000               (ledger import timings at those sizes)
    python scripts/benchmark.py --extraction                     (figure extraction time only)
    python scripts/benchmark.py --floor --sizes 10000 100000     (each path beside its hand-written SQL)

Data goes to its own database: BENCH_DATABASE_URL, or the SQLite file var/bench.sqlite3. The script
migrates it, loads the report data, adds the synthetic rows, starts gunicorn on 127.0.0.1, sends a
bounded number of requests per endpoint from a few threads and prints requests per second and the
median and 95th-percentile latency. Run by hand; CI does not time anything.

--floor (PostgreSQL only) serves the same data twice, the portal and scripts/floor_app.py (one hand-written
SQL query per path, no Django), checks every path answers the same JSON from both, then times them
interleaved and prints each ratio beside its target; see floor_main().
"""

import argparse
import csv
import hashlib
import http.client
import io
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def _env(database_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="shangdang_portal.settings.dev",
        DJANGO_DEBUG="false",
        # The anonymous throttle would cap the benchmark itself; tasks stay in-process.
        API_ANON_RATE="100000000/minute",
        LOG_LEVEL="WARNING",
    )
    env.pop("REDIS_URL", None)
    return env


def _manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def _get(url: str, headers: dict | None = None) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=60) as response:
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: HTTP {response.status}")
    return time.perf_counter() - started


def _measure(url: str, requests: int, concurrency: int, headers: dict | None = None) -> dict:
    for _ in range(3):  # warm up connections and caches
        _get(url, headers)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        latencies = sorted(pool.map(lambda _i: _get(url, headers), range(requests)))
    elapsed = time.perf_counter() - started
    return {
        "rps": requests / elapsed,
        "median_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))] * 1000,
    }


def _wait_until_up(base: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server exited before answering")
        try:
            _get(f"{base}/healthz")
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer /healthz within {timeout:.0f} s")


PLANS = """
import datetime
from decimal import Decimal
from investment.models import AnnualPlan, CampaignYear
from projects.models import Project
year, _ = CampaignYear.objects.get_or_create(year=datetime.date.today().year, defaults={"name": "benchmark"})
ids = Project.objects.filter(is_synthetic=True).values_list("pk", flat=True)
AnnualPlan.objects.bulk_create(
    (AnnualPlan(project_id=pk, campaign_year=year, planned_investment=Decimal(30000)) for pk in ids.iterator()),
    batch_size=2000, ignore_conflicts=True,
)
print(Project.objects.filter(is_synthetic=True).order_by("pk").values_list("pk", flat=True).first())
"""


def _timed(env, *args) -> float:
    started = time.perf_counter()
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def bench_rollups(env, sizes: list[int], months: int) -> None:
    """Full and incremental roll-up of the current year at each size; Django start-up is measured apart."""
    _manage(env, "migrate", "--no-input", "-v", "0")
    _manage(env, "import_reports", "-v", "0")
    startup = min(_timed(env, "check") for _ in range(3))
    year = str(time.localtime().tm_year)
    rows = []
    for size in sizes:
        _manage(env, "generate_synthetic", "--clear", "--projects", str(size), "--months", str(months))
        first = subprocess.run(
            [PYTHON, "manage.py", "shell", "-c", PLANS], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        ).stdout.split()[-1]
        # Start-up varies by a few tenths of a second between runs; small results are floored at 0.01 s.
        full = max(0.01, _timed(env, "rollup", "--year", year) - startup)
        again = max(0.01, _timed(env, "rollup", "--year", year) - startup)
        incremental = max(0.01, _timed(env, "rollup", "--project", first) - startup)
        rows.append((size, full, again, incremental))
    print(f"\nroll-up of {year} (seconds, Django start-up of {startup:.2f} s subtracted)")
    print(f"{'projects':>10}{'full':>10}{'full again':>12}{'incremental':>13}{'full/project ms':>17}")
    for size, full, again, incremental in rows:
        print(f"{size:>10}{full:>10.2f}{again:>12.2f}{incremental:>13.2f}{full / size * 1000:>17.3f}")
    for (s1, f1, _a1, i1), (s2, f2, _a2, i2) in zip(rows, rows[1:], strict=False):
        print(f"{s1} → {s2} projects (×{s2 / s1:.0f}): full ×{f2 / f1:.1f}, incremental {i1:.2f} → {i2:.2f} s")


# Writes a synthetic ledger of N projects to a file: the district's parks, every column filled.
LEDGER = """
import os
from decimal import Decimal
from investment.ledger import LedgerBatch, LedgerDate, write_ledger
import datetime as dt
size, path, tag = int(os.environ["LEDGER_SIZE"]), os.environ["LEDGER_PATH"], os.environ["LEDGER_TAG"]
parks = ["现代物流园", "医药健康产业园", "先进装备制造园"]
pools = ["planning", "reserve", "construction", "operating"]
rows = (
    {
        "code": f"{tag}{i:06d}", "name": f"基准台账项目{tag}-{i}", "company": f"基准企业{i % 500}",
        "region": "上党区", "park": parks[i % 3], "industry_chain": "光伏组件", "category": "industry",
        "construction_type": "new", "priority_level": "city", "pool": pools[i % 4],
        "batch": LedgerBatch(2026, 1 + i % 3, "started"), "total_investment": Decimal(10000 + i),
        "annual_plan": Decimal(3000), "ledger_ytd": Decimal(i % 2500),
        "planned_start": LedgerDate(dt.date(2026, 1 + i % 12, 1), "month"),
        "actual_start": LedgerDate(dt.date(2026, 3, 15), "day") if i % 2 else None,
        "leader": "张三", "officer": "李四", "liaison": "王五", "phone": "13800000000",
        "longitude": Decimal("113.1"), "latitude": Decimal("36.05"),
    }
    for i in range(size)
)
open(path, "wb").write(write_ledger(rows, year=2026, ytd_months=10))
"""


def bench_ledger(env, sizes: list[int]) -> None:
    """Import a synthetic ledger of each size (all rows new), then the same file again (all unchanged)."""
    _manage(env, "migrate", "--no-input", "-v", "0")
    _manage(env, "import_reports", "-v", "0")
    startup = min(_timed(env, "check") for _ in range(3))
    rows = []
    for size in sizes:
        path = ROOT / "var" / f"bench-ledger-{size}.xlsx"
        tag = f"B{int(time.time()) % 100000}S{size}-"
        written = {**env, "LEDGER_SIZE": str(size), "LEDGER_PATH": str(path), "LEDGER_TAG": tag}
        subprocess.run([PYTHON, "manage.py", "shell", "-v", "0", "-c", LEDGER], cwd=ROOT, env=written, check=True)
        first = max(0.01, _timed(env, "import_ledger", str(path), "-v", "0") - startup)
        again = max(0.01, _timed(env, "import_ledger", str(path), "-v", "0") - startup)
        rows.append((size, first, again))
    print(f"\nledger import (seconds, Django start-up of {startup:.2f} s subtracted; every row new, then unchanged)")
    print(f"{'rows':>8}{'import':>10}{'again':>10}{'ms/row':>10}")
    for size, first, again in rows:
        print(f"{size:>8}{first:>10.2f}{again:>10.2f}{first / size * 1000:>10.2f}")


EXTRACTION = """
import time
from investment.sources.curation import REPORTS_DIR
from investment.sources.extraction import extract_candidates, name_book_from_db
texts = [p.read_text(encoding="utf-8") for p in sorted(REPORTS_DIR.glob("*.txt"))]
names = name_book_from_db()
extract_candidates(texts[0], published_on=None, names=names)  # loads jieba's dictionary once
best = float("inf")
for _ in range(3):
    started = time.perf_counter()
    for text in texts:
        extract_candidates(text, published_on=None, names=names)
    best = min(best, time.perf_counter() - started)
chars = sum(len(t) for t in texts)
per_10k_ms = best / chars * 10000 * 1000
print(f"figure extraction: {per_10k_ms:.0f} ms per 10,000 characters ({chars} characters, {len(texts)} texts)")
"""


def bench_extraction(env) -> None:
    """The extractor over the report texts (best of three, dictionary loaded), per 10,000 characters."""
    subprocess.run([PYTHON, "manage.py", "shell", "-v", "0", "-c", EXTRACTION], cwd=ROOT, env=env, check=True)


# --- floor mode: each path beside a hand-written SQL query answering the same JSON --------------------

# What the floor needs from the data: the official's token (created here), the home district, a project
# to show (one with milestones if a public one has them), and the serializers' choice labels.
FLOOR_SETUP = """
import json
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Count
from django.utils import translation
from rest_framework.authtoken.models import Token
from parks.models import Region
from projects.models import Category, ConstructionType, Milestone, Pool, PriorityLevel, Project, Signal
from projects import views as project_pages
translation.activate(settings.LANGUAGE_CODE)
user, _ = get_user_model().objects.get_or_create(username="bench-official")
user.groups.add(Group.objects.get_or_create(name="official")[0])
token, _ = Token.objects.get_or_create(user=user)
public = Project.objects.filter(is_public=True)
shown = (
    public.annotate(n=Count("milestones")).filter(n__gt=0).order_by("-is_synthetic", "-n", "pk").first()
    or public.filter(is_synthetic=True).order_by("pk").first()
)
labels = {
    name: {value: str(label) for value, label in choices.choices}
    for name, choices in [
        ("category", Category), ("construction_type", ConstructionType), ("priority_level", PriorityLevel),
        ("pool", Pool), ("signal", Signal), ("milestone_kind", Milestone.Kind),
    ]
}
print(json.dumps({
    "token": token.key, "region": Region.objects.get(name=settings.HOME_REGION).pk, "project": shown.pk,
    "projects": Project.objects.count(), "synthetic": Project.objects.filter(is_synthetic=True).count(),
    "labels": labels, "page_rows": getattr(project_pages, "PAGE_SIZE", 25),
}, ensure_ascii=False))
"""

TARGET_LIST, TARGET_PAGE = 2.0, 3.0
TARGET_INCREMENTAL, TARGET_ROLLUP = 0.01, 2.0


def json_differences(portal, floor, path: str = "$", limit: int = 10) -> list[str]:
    """Where two parsed JSON documents differ, as `path: portal value != floor value` lines (at most limit)."""
    found: list[str] = []

    def walk(a, b, where):
        if len(found) >= limit:
            return
        if isinstance(a, dict) and isinstance(b, dict):
            for key in sorted(set(a) | set(b), key=str):
                if key not in a or key not in b:
                    found.append(f"{where}.{key}: only in {'portal' if key in a else 'floor'}")
                else:
                    walk(a[key], b[key], f"{where}.{key}")
        elif isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                found.append(f"{where}: {len(a)} items != {len(b)} items")
            for i, (x, y) in enumerate(zip(a, b, strict=False)):
                walk(x, y, f"{where}[{i}]")
        elif a != b or type(a) is not type(b):
            found.append(f"{where}: {a!r} != {b!r}")

    walk(portal, floor, path)
    return found[:limit]


def _fetch(url: str, headers: dict | None = None, timeout: float = 120) -> tuple[int, bytes, dict]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            try:
                return response.status, response.read(), dict(response.headers)
            except http.client.IncompleteRead as cut:
                # A streamed answer the server stopped sending (a worker timed out): say so, keep what came.
                return -1, cut.partial, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def _same_json(portal: str, floor: str, path: str, headers: dict) -> None:
    """Stops the run with the differences unless both answer the path with the same JSON (links to each
    server's own host are compared without the host)."""
    answers = []
    for base in (portal, floor):
        status, body, _headers = _fetch(base + path, headers)
        if status != 200:
            raise SystemExit(f"{base}{path}: HTTP {status}\n{body[:500].decode(errors='replace')}")
        answers.append(json.loads(body.decode().replace(base, "")))
    differences = json_differences(*answers)
    if differences:
        raise SystemExit(f"{path}: the floor's JSON differs from the portal's\n  " + "\n  ".join(differences))


# Warm-up requests per side and path before timing: enough for every gunicorn worker to have run the path a
# few times (its compiled queries, and PostgreSQL's plans of its prepared statements, which are planned anew
# for the first five runs on each connection before a generic plan is kept).
WARM_UP = 12


def _interleaved(pairs: list[tuple[str, str, dict]], requests: int) -> list[tuple[dict, dict]]:
    """Each (portal URL, floor URL, headers) timed in alternation, warm-up first: (portal, floor) stats."""
    results = []
    for portal, floor, headers in pairs:
        for _ in range(WARM_UP):
            _get(portal, headers)
            _get(floor, headers)
        times: tuple[list, list] = ([], [])
        for i in range(requests):
            order = (0, 1) if i % 2 == 0 else (1, 0)  # neither side always runs just after the other
            for side in order:
                times[side].append(_get((portal, floor)[side], headers))
        results.append(tuple(_stats(t) for t in times))
    return results


def _stats(latencies: list[float]) -> dict:
    ordered = sorted(latencies)
    return {
        "median_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000,
        "n": len(ordered),
    }


def _database_for(size: int) -> str:
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("--floor needs BENCH_DATABASE_URL=postgres://… ({size} in it: one database per size)")
    return url.replace("{size}", str(size))


def _ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def _synthetic_projects(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as connection:
        return connection.execute("SELECT count(*) FROM projects_project WHERE is_synthetic").fetchone()[0]


def _analyze(url: str) -> None:
    # VACUUM as well: freshly loaded tables have no visibility map, so a count could not be answered from an
    # index alone until autovacuum came by, and the timings would depend on when it did.
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE)")


def _build(env, size: int, months: int) -> float:
    """The data set of one size from scratch, rolled up and analysed; returns the seconds it took."""
    started = time.perf_counter()
    _manage(env, "import_reports", "-v", "0")
    _manage(env, "generate_synthetic", "--clear", "--projects", str(size), "--months", str(months))
    subprocess.run([PYTHON, "manage.py", "shell", "-c", PLANS], cwd=ROOT, env=env, check=True, capture_output=True)
    _manage(env, "rollup", "--year", str(time.localtime().tm_year))
    _analyze(env["DATABASE_URL"])
    return time.perf_counter() - started


def _gunicorn(app: str, port: int, workers: int, env: dict, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [PYTHON, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
        + ["--log-level", "warning"],
        cwd=cwd,
        env=env,
    )


def _stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


def _run_json(env, script: str) -> dict | None:
    """`python scripts/<script> --json`'s answer (the last JSON object it prints), or None if it is absent."""
    path = ROOT / "scripts" / script
    if not path.exists():
        return None
    done = subprocess.run(
        [PYTHON, str(path), "--json"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600
    )
    if done.returncode != 0:
        return {"error": (done.stderr or done.stdout).strip()[-500:]}
    for line in reversed(done.stdout.strip().splitlines()):
        try:
            return json.loads(line)
        except ValueError:
            continue
    try:
        return json.loads(done.stdout)
    except ValueError:
        return {"error": "no JSON in its output", "output": done.stdout[-500:]}


def _number(answer: dict | None, *keys: str) -> float | None:
    for key in keys:
        value = (answer or {}).get(key)
        if isinstance(value, int | float):
            return float(value)
    return None


def _csv_export(base: str, expected_rows: int, timeout: float) -> dict:
    """GET the CSV of every project as the public does, following a 202 to its download; timed end to end."""
    started = time.perf_counter()
    status, body, headers = _fetch(f"{base}/api/v1/projects/?format=csv", timeout=timeout)
    protocol = "streamed"
    if status == 202:
        protocol = "task"
        job = json.loads(body)
        deadline = time.monotonic() + timeout
        while True:
            state_status, state_body, _h = _fetch(_absolute(base, job["status_url"]))
            state = json.loads(state_body) if state_status == 200 else {"status": f"HTTP {state_status}"}
            if state.get("status") in ("done", "failed", "error") or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        if state.get("status") != "done":
            return {"protocol": protocol, "error": f"export ended {state.get('status')}", "complete": False}
        status, body, headers = _fetch(_absolute(base, state.get("download_url") or job["download_url"]))
    seconds = time.perf_counter() - started
    if status not in (200, -1):
        return {"protocol": protocol, "error": f"HTTP {status}", "seconds": seconds, "complete": False}
    text = body.decode("utf-8-sig", errors="replace")
    records = sum(1 for _row in csv.reader(io.StringIO(text)))
    return {
        "protocol": protocol,
        "seconds": seconds,
        "lines": records,  # CSV records, the header included (as export_floor.py counts them)
        "sha256": hashlib.sha256(body).hexdigest(),
        "rows": records - 1,
        "expected_rows": expected_rows,
        # A cut-off stream may still end on a whole line: only the status and the row count together say.
        "complete": status == 200 and records - 1 == expected_rows,
        **({"error": "cut off mid-stream"} if status == -1 else {}),
    }


def _absolute(base: str, url: str) -> str:
    return url if url.startswith("http") else base + url


def _ratio_line(
    label: str, portal: float, floor: float, target: float | None, unit: str = "ms", p95: tuple | None = None
) -> dict:
    ratio = portal / floor if floor else float("inf")
    verdict = "" if target is None else ("ok" if ratio <= target else "OVER")
    shown = "" if target is None else f"≤ {target:g}×"
    tail = f"{p95[0]:.0f} / {p95[1]:.0f}" if p95 else ""
    print(f"{label:<58}{portal:>11.1f}{floor:>11.1f}{ratio:>8.1f}×  {shown:<7}{verdict:<5}{tail}")
    return {"path": label, f"portal_{unit}": portal, f"floor_{unit}": floor, "ratio": ratio, "target": target}


def floor_size(args, size: int) -> dict:
    """One size: build (or reuse) the data, serve portal and floor, check the JSON, time, print the table."""
    url = _database_for(size)
    env = _env(url)
    _ensure_database(url)
    print(f"\n=== {size} projects in {urlsplit(url).path.lstrip('/')} ===")
    _manage(env, "migrate", "--no-input", "-v", "0")
    built = None
    held = _synthetic_projects(url)
    if not args.reuse or held != size:
        if args.reuse:
            print(f"--reuse: the database holds {held} synthetic projects, not {size}: building")
        built = _build(env, size, args.months)
        print(f"data built in {built:.0f} s")
    else:
        _analyze(url)
    setup = _setup(env)
    official = {"Authorization": f"Token {setup['token']}"}
    portal, floor = f"http://127.0.0.1:{args.port}", f"http://127.0.0.1:{args.floor_port}"
    floor_env = {**env, "FLOOR_DATABASE_URL": url, "FLOOR_LABELS": json.dumps(setup["labels"])}
    servers = [
        _gunicorn("shangdang_portal.wsgi", args.port, args.workers, env, ROOT),
        _gunicorn("floor_app:app", args.floor_port, args.workers, floor_env, ROOT / "scripts"),
    ]
    report: dict = {"size": size, "projects": setup["projects"], "built_seconds": built, "paths": []}
    try:
        for base, server in zip((portal, floor), servers, strict=True):
            _wait_until_up(base, server)
        api = [
            (f"/api/v1/projects/?region={setup['region']}&category=industry", {}),
            ("/api/v1/projects/", {}),
            ("/api/v1/projects/?q=" + quote(args.q), {}),
            ("/api/v1/progress-reports/", official),
            ("/api/v1/figures/", {}),
            (f"/api/v1/projects/{setup['project']}/", {}),
        ]
        # Checked, not timed: a later page, whose previous and next links both point somewhere.
        checked = [*api, (f"/api/v1/projects/?region={setup['region']}&category=industry&page=3&page_size=20", {})]
        for path, headers in checked:
            _same_json(portal, floor, path, headers)
        print(f"JSON identical on all {len(checked)} API paths (portal :{args.port}, floor :{args.floor_port})")
        pairs = [(portal + path, floor + path, headers) for path, headers in api]
        same_rows = f"/api/v1/projects/?page_size={setup['page_rows']}"  # the rows the page shows
        pairs += [(portal + "/", portal + "/healthz", {}), (portal + "/projects/", portal + same_rows, {})]
        timed = _interleaved(pairs, args.requests or 20)
        n = args.requests or 20
        print(f"\nmedian of {n} interleaved requests each, {args.workers} gunicorn workers per server")
        print(f"{'path (portal vs floor)':<58}{'portal ms':>11}{'floor ms':>11}{'ratio':>9}  target   p95 ms")
        labels = [f"{unquote(path)}{'  (official)' if headers else ''}" for path, headers in api] + [
            "/ vs /healthz",
            f"/projects/ page vs {same_rows}",
        ]
        targets = [TARGET_LIST] * 5 + [None, TARGET_PAGE, None]
        for label, (p, f), target in zip(labels, timed, targets, strict=True):
            line = _ratio_line(label, p["median_ms"], f["median_ms"], target, p95=(p["p95_ms"], f["p95_ms"]))
            report["paths"].append({**line, "portal_p95_ms": p["p95_ms"], "floor_p95_ms": f["p95_ms"]})

        if args.paths_only:
            return report
        threads, count = args.concurrency, max(50, n * 5)
        listed = _measure(portal + "/api/v1/projects/", count, threads)
        health = _measure(portal + "/healthz", count, threads)
        share = listed["rps"] / health["rps"]
        print(
            f"\nthroughput ({threads} client threads, {count} requests): project list {listed['rps']:.1f} req/s, "
            f"/healthz {health['rps']:.1f} req/s ({share:.0%})"
        )
        report["throughput"] = {"project_list_rps": listed["rps"], "healthz_rps": health["rps"], "share": share}

        rollup = _run_json(env, "rollup_floor.py")
        report["rollup"] = rollup
        if rollup is None:
            print("\nrollup floor: not available")
        else:
            full = _number(rollup, "full_s")
            again = _number(rollup, "full_again_s")
            incremental = _number(rollup, "incremental_s")
            sql = _number(rollup, "floor_s")
            if None in (full, incremental, sql):
                print(f"\nroll-up (rollup_floor.py --json): {json.dumps(rollup, ensure_ascii=False)}")
            else:
                share = incremental / full
                verdict = "ok" if share <= TARGET_INCREMENTAL else "OVER"
                ratio = full / sql
                print(
                    f"\nroll-up: full {full:.2f} s, full again {again or float('nan'):.2f} s, incremental "
                    f"{incremental:.3f} s = {share:.2%} of full (≤ {TARGET_INCREMENTAL:.0%} {verdict}); "
                    f"SQL floor {sql:.2f} s, full/floor {ratio:.2f}× (≤ {TARGET_ROLLUP:g}× "
                    f"{'ok' if ratio <= TARGET_ROLLUP else 'OVER'}); rows written by the second full run: "
                    f"{rollup.get('full_again_rows_written')}, stored rows equal the floor's: "
                    f"{rollup.get('rows_equal')}"
                )
                report["rollup_summary"] = {
                    "full": full,
                    "full_again": again,
                    "incremental": incremental,
                    "incremental_share": share,
                    "floor": sql,
                    "full_over_floor": ratio,
                }

        public = json.loads(_fetch(portal + "/api/v1/projects/?page_size=1")[1])["count"]
        export = _csv_export(portal, public, args.export_timeout)
        sql = _run_json(env, "export_floor.py")
        report["csv"] = {"portal": export, "floor": sql}
        if "seconds" not in export:
            print(f"\nCSV of all projects: {export.get('error')} — complete: no")
        else:
            complete = "yes" if export["complete"] else "NO"
            line = (
                f"\nCSV of all {public} public projects ({export['protocol']}): {export['seconds']:.1f} s, "
                f"{export['lines']} lines, {export['rows']} rows — complete: {complete}"
                + (f" ({export['error']})" if export.get("error") else "")
            )
            floor_seconds = _number(sql, "seconds", "floor_seconds")
            floor_lines = _number(sql, "lines", "rows")
            if sql is None:
                line += "; export floor: not available"
            elif floor_seconds is None:
                line += f"; export_floor.py --json: {json.dumps(sql, ensure_ascii=False)}"
            else:
                same = "yes" if sql.get("sha256") == export["sha256"] else "no"
                line += (
                    f"; COPY floor {floor_seconds:.1f} s, {floor_lines or 0:.0f} lines, "
                    f"ratio {export['seconds'] / floor_seconds:.1f}×, same bytes: {same}"
                )
            print(line)
    finally:
        for server in servers:
            _stop(server)
    return report


def _setup(env) -> dict:
    done = subprocess.run(
        [PYTHON, "manage.py", "shell", "-v", "0", "-c", FLOOR_SETUP],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def floor_main(args) -> None:
    """The floor mode at each size; with --json, every number as JSON at the end."""
    reports = [floor_size(args, size) for size in sorted(args.sizes)]
    if args.json:
        print(json.dumps(reports, indent=2, ensure_ascii=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=2000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument(
        "--requests", type=int, help="requests per endpoint (bounded; default 200, and 20 per side with --floor)"
    )
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--reuse", action="store_true", help="keep the existing benchmark data")
    parser.add_argument("--json", action="store_true", help="print the results as JSON as well")
    parser.add_argument("--rollups", type=int, nargs="+", metavar="N", help="time the roll-ups at these sizes instead")
    parser.add_argument(
        "--ledger", type=int, nargs="+", metavar="N", help="time the ledger import at these sizes instead"
    )
    parser.add_argument("--extraction", action="store_true", help="time the figure extractor only")
    parser.add_argument("--floor", action="store_true", help="each path beside its hand-written SQL (PostgreSQL)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000], metavar="N", help="--floor sizes")
    parser.add_argument("--floor-port", type=int, default=8766, help="port of the floor app (--floor)")
    parser.add_argument(
        "--paths-only", action="store_true", help="--floor: the paths' table only (no throughput, roll-up or CSV)"
    )
    parser.add_argument("--q", default="项目00012", help="the search term of the --floor q path")
    parser.add_argument("--export-timeout", type=float, default=900, help="seconds the CSV export may take (--floor)")
    args = parser.parse_args()
    if args.floor:
        if any(not 1 <= n <= 1_000_000 for n in args.sizes):
            raise SystemExit("--sizes must be 1..1000000")
        if args.requests is not None and not 1 <= args.requests <= 10_000:
            raise SystemExit("--requests must be 1..10000")
        floor_main(args)
        return
    args.requests = args.requests or 200
    if not 1 <= args.requests <= 100_000 or not 1 <= args.concurrency <= 64:
        raise SystemExit("--requests must be 1..100000 and --concurrency 1..64")

    database_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"
    env = _env(database_url)
    if args.extraction:
        _manage(env, "migrate", "--no-input", "-v", "0")
        _manage(env, "import_reports", "-v", "0")
        bench_extraction(env)
        return
    if args.ledger:
        if any(not 1 <= n <= 20_000 for n in args.ledger):
            raise SystemExit("--ledger sizes must be 1..20000 (the reader's bound)")
        print(f"ledger benchmark in {database_url}")
        bench_ledger(env, sorted(args.ledger))
        return
    if args.rollups:
        if any(not 1 <= n <= 1_000_000 for n in args.rollups):
            raise SystemExit("--rollups sizes must be 1..1000000")
        print(f"roll-up benchmark in {database_url}")
        bench_rollups(env, sorted(args.rollups), args.months)
        return
    if not args.reuse:
        print(f"preparing {args.projects} projects × {args.months} months in {database_url}")
        _manage(env, "migrate", "--no-input", "-v", "0")
        _manage(env, "import_reports")
        _manage(env, "generate_synthetic", "--clear", "--projects", str(args.projects), "--months", str(args.months))

    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "shangdang_portal.wsgi",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        _wait_until_up(base, server)
        with urllib.request.urlopen(f"{base}/api/v1/projects/?page_size=1&is_synthetic=true") as response:
            first = json.load(response)["results"][0]["id"]
        endpoints = [
            ("/healthz (floor)", "/healthz"),
            ("projects list", "/api/v1/projects/"),
            ("project detail", f"/api/v1/projects/{first}/"),
            ("figures list", "/api/v1/figures/"),
            (
                "filtered projects",
                "/api/v1/projects/?pool=construction&signal=red&total_investment_min=100000&q=" + quote("合成"),
            ),
        ]
        results = {}
        print(f"\n{args.requests} requests per endpoint, {args.concurrency} client threads, {args.workers} workers")
        print(f"{'endpoint':<22}{'req/s':>10}{'median ms':>12}{'p95 ms':>10}")
        for label, path in endpoints:
            result = _measure(base + path, args.requests, args.concurrency)
            results[label] = result
            print(f"{label:<22}{result['rps']:>10.1f}{result['median_ms']:>12.1f}{result['p95_ms']:>10.1f}")
        if args.json:
            print(json.dumps(results, indent=2))
        bench_extraction(env)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
