"""The floor of the project CSV export: one PostgreSQL `COPY (SELECT …) TO STDOUT WITH CSV` writing the same
bytes as the anonymous portal export `/api/v1/projects/?format=csv` (public projects, ordered by name and id).

    DATABASE_URL=postgres://… python scripts/export_floor.py --json [--output FILE]

prints {"seconds": …, "bytes": …, "lines": …, "sha256": …}: the time from connecting to the last byte, the
size, the number of CSV records (header included) and the file's hash, to compare with the portal's file.

Standalone (psycopg only, no Django). What the portal writes, and how this reproduces it:
- UTF-8 with a BOM, then Python's csv "excel" dialect: fields quoted only when they hold a comma, a quote or
  a line break, records ended by CRLF. COPY's CSV quotes the same fields but ends records with LF and writes a
  non-null empty string as "": every empty value is made NULL (written bare), and the record ends are turned
  into CRLF here, outside quoted fields.
- Text that starts like a formula (= + - @ tab CR) gets a leading apostrophe (export.csv_safe).
- Choice fields are their labels (CHOICES below, the models' TextChoices in the default language), yes/no
  fields 是/否, money the numeric as PostgreSQL prints it (as Python prints the Decimal), dates ISO.
- 累计完成投资(万元) is the sum over the project's counted reports (approved, not superseded, no approved
  correction), empty when there is none.
"""

import argparse
import hashlib
import json
import os
import sys
import time

HEADERS = [
    "编号",
    "项目名称",
    "区域",
    "园区",
    "产业链",
    "建设单位",
    "项目类别",
    "建设性质",
    "重点级别",
    "重大项目",
    "四库",
    "总投资(万元)",
    "累计完成投资(万元)",
    "计划开工",
    "计划竣工",
    "入库入统",
    "亮灯",
]

# The labels of projects.models.register's TextChoices (a test checks they are the same).
CHOICES = {
    "category": {
        "industry": "产业",
        "infrastructure": "基础设施",
        "public_welfare": "民生",
        "ecology": "生态",
        "service": "服务业",
    },
    "construction_type": {"new": "新建", "continuing": "续建", "expansion": "扩建", "renovation": "技改"},
    "priority_level": {"provincial": "省级重点", "city": "市级重点", "district": "区级重点"},
    "pool": {"planning": "谋划库", "reserve": "储备库", "construction": "建设库", "operating": "达产达效库"},
    "signal": {"green": "绿灯", "yellow": "黄灯", "red": "红灯"},
}


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _safe(expression: str) -> str:
    """Text as the portal writes it: empty is NULL (a bare empty field), formula-like text gets an apostrophe."""
    return (
        f"CASE WHEN left({expression}, 1) IN ('=', '+', '-', '@', E'\\t', E'\\r') "
        f"THEN '''' || {expression} ELSE NULLIF({expression}, '') END"
    )


def _label(field: str) -> str:
    cases = " ".join(f"WHEN {_literal(value)} THEN {_literal(label)}" for value, label in CHOICES[field].items())
    return _safe(f"(CASE p.{field} {cases} ELSE p.{field} END)")


def _yes_no(field: str) -> str:
    return f"CASE WHEN p.{field} THEN '是' ELSE '否' END"


def query() -> str:
    columns = [
        "p.id::text",
        _safe("p.name"),
        _safe("r.name"),
        _safe("pk.name"),
        _safe("ch.name"),
        _safe("co.name"),
        _label("category"),
        _label("construction_type"),
        _label("priority_level"),
        _yes_no("is_major"),
        _label("pool"),
        "p.total_investment::text",
        "c.total::text",
        "p.planned_start::text",
        "p.planned_end::text",
        _yes_no("in_statistics"),
        _label("signal"),
    ]
    header = ", ".join(f"{_safe(_literal(h))} AS c{i}" for i, h in enumerate(HEADERS))
    rows = ", ".join(f"{c} AS c{i}" for i, c in enumerate(columns))
    return f"""
        SELECT {header}, 0 AS part, ''::text AS sort_name, 0 AS sort_id
        UNION ALL
        SELECT * FROM (
            SELECT {rows}, 1, p.name, p.id
            FROM projects_project p
            JOIN parks_region r ON r.id = p.region_id
            LEFT JOIN parks_park pk ON pk.id = p.park_id
            LEFT JOIN parks_industrychain ch ON ch.id = p.industry_chain_id
            LEFT JOIN projects_company co ON co.id = p.company_id
            LEFT JOIN (
                SELECT rep.project_id, SUM(rep.investment_completed) AS total
                FROM projects_progressreport rep
                WHERE rep.status = 'approved' AND NOT rep.is_superseded
                  AND NOT EXISTS (
                      SELECT 1 FROM projects_progressreport fix
                      WHERE fix.corrects_id = rep.id AND fix.status = 'approved'
                  )
                GROUP BY rep.project_id
            ) c ON c.project_id = p.id
            WHERE p.is_public
        ) body
        ORDER BY part, sort_name, sort_id
    """


def copy_sql() -> str:
    # The sort columns are left out of what COPY writes.
    names = ", ".join(f"c{i}" for i in range(len(HEADERS)))
    return f"COPY (SELECT {names} FROM ({query()}) export) TO STDOUT WITH (FORMAT csv)"


def crlf(chunks):
    """COPY's LF record ends as CRLF, leaving line breaks inside quoted fields alone (quote parity); yields
    (bytes, records ended in them)."""
    quoted = False
    for chunk in chunks:
        pieces = chunk.split(b"\n")
        out, ended = [], 0
        for i, piece in enumerate(pieces):
            quoted ^= piece.count(b'"') % 2 == 1
            out.append(piece)
            if i < len(pieces) - 1:
                out.append(b"\n" if quoted else b"\r\n")
                ended += not quoted
        yield b"".join(out), ended


def export(database_url: str, out) -> dict:
    import psycopg

    started = time.perf_counter()
    digest, size, records = hashlib.sha256(), 0, 0

    def write(data: bytes) -> None:
        nonlocal size
        digest.update(data)
        size += len(data)
        if out is not None:
            out.write(data)

    with psycopg.connect(database_url) as connection, connection.cursor() as cursor:
        write("\ufeff".encode())
        with cursor.copy(copy_sql()) as copy:
            for data, ended in crlf(bytes(block) for block in copy):
                records += ended
                write(data)
    return {
        "seconds": round(time.perf_counter() - started, 3),
        "bytes": size,
        "lines": records,
        "sha256": digest.hexdigest(),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    parser.add_argument("--output", help="also write the CSV to this file")
    args = parser.parse_args(argv)
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        parser.error("set DATABASE_URL=postgres://… (the floor is a PostgreSQL COPY)")
    if args.output:
        with open(args.output, "wb") as out:
            result = export(database_url, out)
    else:
        result = export(database_url, None)
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{result['lines']} lines, {result['bytes']} bytes in {result['seconds']} s, sha256 {result['sha256']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
