"""The demo's fictitious projects: one ledger row each, and the plan and monthly progress that give each
project the signal it is meant to show. Seeded, so every run gives the same projects and figures."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from projects.models import Milestone, Pool
from shangdang_portal.calendar import add_months, elapsed_rate

from ..ledger import LedgerBatch, LedgerDate

SEED = 2026
CENT = Decimal("0.01")
PRODUCTS = [
    "高端装备制造基地",
    "光伏组件生产线",
    "新能源汽车零部件",
    "生物医药产业化",
    "智慧物流分拨中心",
    "数字信创产业园",
    "煤矸石综合利用",
    "氢能装备制造",
    "精密铸造",
    "冷链物流中心",
    "中药饮片加工",
    "锂电池正极材料",
    "智能传感器",
    "绿色建材",
    "再生资源回收利用",
    "工业互联网平台",
]
COMPANY_WORDS = ["晋能", "潞安", "上党", "太行", "漳泽", "长兴", "恒泰", "华晟", "泽润", "瑞丰"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["建国", "志强", "海燕", "晓东", "丽华", "国庆", "卫东", "秀英", "振华", "红梅", "永刚", "春生"]
UNITS = ["区发改局", "区工信局", "区商务局", "经开区管委会", "区住建局"]
# What each project of ten shows, by its index modulo 10 (see DemoProject).
KINDS = ["green", "green", "green", "yellow", "green", "yellow", "red_lag", "green", "not_started", "planning"]


@dataclass
class DemoProject:
    """One fictitious project: its ledger cells (first and updated sheet) and its year's progress."""

    values: dict
    updated: dict
    kind: str
    plan: Decimal | None
    progress: dict[dt.date, Decimal] = field(default_factory=dict)


def month_starts(first: dt.date, today: dt.date) -> list[dt.date]:
    months, month = [], first.replace(day=1)
    while month <= today:
        months.append(month)
        month = add_months(month, 1)
    return months


def spread(total: Decimal, months: list[dt.date], rng: random.Random) -> dict[dt.date, Decimal]:
    """A total over the months, unevenly as construction spends, to the cent, adding up exactly."""
    if not months:
        return {}
    weights = [Decimal(str(round(rng.uniform(0.6, 1.4), 2))) for _ in months]
    whole = sum(weights)
    amounts = [(total * w / whole).quantize(CENT) for w in weights]
    amounts[-1] = max(Decimal(0), total - sum(amounts[:-1]))
    return dict(zip(months, amounts, strict=True))


def completion_for(kind: str, elapsed: Decimal, rng: random.Random) -> Decimal:
    """The share of its annual plan a project has completed (percent): on track, 15–25 points behind
    (yellow under the default rules of 10/30 points) or 40–55 behind (red)."""
    if kind == "yellow":
        lag = rng.uniform(15, 25)
    elif kind == "red_lag":
        lag = rng.uniform(40, 55)
    else:
        lag = -rng.uniform(-4, 8)
    return max(Decimal(0), elapsed - Decimal(str(round(lag, 2))))


def demo_projects(*, count: int, today: dt.date, parks: list[str], chains: list[str], region: str):
    """``count`` fictitious projects in the district's parks, for the campaign year of ``today``."""
    rng = random.Random(SEED)
    year, elapsed = today.year, elapsed_rate(today)
    last_year = dt.date(year - 1, 1, 1)
    projects = []
    for i in range(count):
        kind = KINDS[i % 10]
        n = i + 1
        total = Decimal(rng.randrange(8_000, 600_000))
        plan = None if kind == "planning" else (total * Decimal(str(round(rng.uniform(0.15, 0.4), 2)))).quantize(CENT)
        started = None
        if kind in ("not_started", "planning"):
            planned_start = LedgerDate(add_months(today.replace(day=1), -6), "month")
        elif i % 10 in (0, 3):  # signed at this year's first batch, started a few months later
            started = min(today, dt.date(year, max(1, today.month - 3), 10))
            planned_start = LedgerDate(started.replace(day=1), "month")
        else:
            started = last_year + dt.timedelta(days=rng.randrange(30, 330))
            planned_start = LedgerDate(started.replace(day=1), "month")
        # Pools before and after the year's moves: reserve → construction once started, construction →
        # operating once producing, planning → reserve for half of the planned projects.
        pool = {
            "not_started": Pool.RESERVE,
            "planning": Pool.PLANNING,
        }.get(kind, Pool.OPERATING if i % 10 == 7 else Pool.CONSTRUCTION)
        before = pool
        production = None
        if i % 10 == 7:
            production = LedgerDate(dt.date(year - 1, 12, 1), "month")
        elif i % 20 == 1:
            production = LedgerDate(min(today, dt.date(year, max(1, today.month - 1), 1)), "month")
            pool, before = Pool.OPERATING, Pool.CONSTRUCTION
        elif i % 10 == 0:
            before = Pool.RESERVE
        elif i % 20 == 9:
            pool = Pool.RESERVE
        if i % 10 in (0, 3, 8):
            batch = LedgerBatch(year, 1, Milestone.Kind.SIGNED)
        elif i % 10 in (1, 2):
            batch = LedgerBatch(year, 1, Milestone.Kind.STARTED)
        else:
            batch = None
        progress = {}
        if started is not None and plan is not None:
            months = month_starts(max(started, dt.date(year, 1, 1)), today)
            progress = spread((plan * completion_for(kind, elapsed, rng) / 100).quantize(CENT), months, rng)
        park = parks[i % len(parks)]
        product = PRODUCTS[i % len(PRODUCTS)]
        values = {
            "code": f"YS{year}{n:04d}",
            "name": f"{product}项目（演示{n:03d}）",
            "company": f"山西{COMPANY_WORDS[i // 2 % len(COMPANY_WORDS)]}演示{i // 2 + 1:02d}有限公司",
            "region": region,
            "park": park,
            "industry_chain": chains[i % len(chains)] if chains else None,
            "category": "industry" if i % 8 else "infrastructure",
            "construction_type": ["new", "continuing", "expansion", "renovation"][i % 4],
            "priority_level": ["provincial", "city", "district", "district"][i % 4],
            "pool": before,
            "batch": batch,
            "total_investment": total,
            "annual_plan": plan,
            "planned_start": planned_start,
            "actual_start": LedgerDate(started, "day") if started else None,
            "planned_production": LedgerDate(dt.date(year + 1 + i % 2, 6, 1), "month") if production is None else None,
            "in_statistics": pool in (Pool.CONSTRUCTION, Pool.OPERATING),
            "leader": f"{SURNAMES[i % 20]}{GIVEN[i % 12]}（副区长）",
            "responsible_unit": UNITS[i % len(UNITS)],
            "officer": f"{SURNAMES[(i + 7) % 20]}{GIVEN[(i + 5) % 12]}",
            "liaison": f"{SURNAMES[(i + 13) % 20]}{GIVEN[(i + 9) % 12]}",
            "phone": f"0355-59{n:05d}",
            "description": f"新建{product}及配套设施（演示数据，非真实项目）",
            "longitude": Decimal("113.0500") + Decimal(rng.randrange(0, 1500)) / 10000,
            "latitude": Decimal("35.9800") + Decimal(rng.randrange(0, 1700)) / 10000,
        }
        done = sum(progress.values(), Decimal(0))
        updated = {
            **values,
            "pool": pool,
            "in_statistics": pool in (Pool.CONSTRUCTION, Pool.OPERATING),
            "actual_production": production,
            # The ledger's own 1-N月 figure differs a little from the approved monthly reports, as it does.
            "ledger_ytd": (done * Decimal(str(round(rng.uniform(0.95, 1.05), 2)))).quantize(CENT) if progress else None,
        }
        projects.append(DemoProject(values=values, updated=updated, kind=kind, plan=plan, progress=progress))
    return projects


def real_project_figures(project_ids: list[tuple[int, Decimal | None]], *, today: dt.date):
    """A plan and this year's monthly progress for each real project (id, total investment), in a mix of
    on-track, lagging and far-behind projects."""
    rng = random.Random(SEED + 1)
    elapsed, months = elapsed_rate(today), month_starts(dt.date(today.year, 1, 1), today)
    mix = ["green", "green", "yellow", "green", "red_lag", "green", "yellow"]
    for i, (pk, total) in enumerate(project_ids):
        share = Decimal(str(round(rng.uniform(0.1, 0.3), 2)))
        plan = (total * share).quantize(CENT) if total else Decimal(rng.randrange(2_000, 60_000))
        plan = min(max(plan, Decimal(500)), Decimal(300_000))
        done = (plan * completion_for(mix[i % len(mix)], elapsed, rng) / 100).quantize(CENT)
        yield pk, plan, spread(done, months, rng)
