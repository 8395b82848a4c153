"""Benchmark the main API endpoints on a synthetic data set, on loopback, against /healthz as the floor.

    python scripts/benchmark.py --projects 2000 --months 12      (or: make bench BENCH_ARGS="...")
    python scripts/benchmark.py --rollups 10000 100000           (roll-up timings at those sizes)
    python scripts/benchmark.py --ledger 300 10000               (ledger import timings at those sizes)
    python scripts/benchmark.py --extraction                     (figure extraction time only)

Data goes to its own database: BENCH_DATABASE_URL, or the SQLite file var/bench.sqlite3. The script
migrates it, loads the report data, adds the synthetic rows, starts gunicorn on 127.0.0.1, sends a
bounded number of requests per endpoint from a few threads and prints requests per second and the
median and 95th-percentile latency. Run by hand; CI does not time anything.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

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


def _get(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: HTTP {response.status}")
    return time.perf_counter() - started


def _measure(url: str, requests: int, concurrency: int) -> dict:
    for _ in range(3):  # warm up connections and caches
        _get(url)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        latencies = sorted(pool.map(lambda _i: _get(url), range(requests)))
    elapsed = time.perf_counter() - started
    return {
        "rps": requests / elapsed,
        "median_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))] * 1000,
    }


def _wait_until_up(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server exited before answering")
        try:
            _get(f"{base}/healthz")
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not answer /healthz within 60 s")


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=2000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--requests", type=int, default=200, help="requests per endpoint (bounded)")
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
    args = parser.parse_args()
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
