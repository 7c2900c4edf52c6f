"""Throughput of spreadsheet imports: Rencai's pipeline against a floor and django-import-export.

Generates a bank's talent roster (an xlsx of N rows, 15 columns, under a title and a
填报单位 line), then measures on PostgreSQL and on SQLite:

* floor: python-calamine reads the rows and psycopg ``COPY`` (SQLite: ``executemany``)
  writes them, as text, into a plain table: the least work any import can do;
* rencai: ``manage.py import_rows talents FILE --org CODE --commit --json``, the full
  pipeline (read, normalise, validate, commit), minus the start-up time of
  ``manage.py check``;
* table: the rows the pipeline wrote, read back and copied into the talents table again as
  they are (one ``COPY``, SQLite ``executemany``, and the commit with its deferred
  foreign-key checks): what the schema itself costs (its indexes, constraints and foreign
  keys), the most any import into it can do however little Python it runs;
* peer: django-import-export's ``ModelResource`` importing the same file into
  ``bench.peer.PeerTalent`` (15 typed columns), with default settings and with
  ``use_bulk = True``, including tablib's loading of the xlsx.

* suites: the cost per row of each algorithm suite (``RENCAI_CRYPTO``): encrypting a
  row's ID number, mobile and e-mail and computing its two blind indexes, AES-GCM +
  HMAC-SHA-256 against SM4-GCM + HMAC-SM3, in one process without a database
  (``--suites-only`` runs just this); with ``--suites international,guomi`` the full
  pipeline also runs once per suite.

Each part runs in its own process, so each has its own peak RSS. The last line of
stdout is a JSON object with the PostgreSQL figures and a ``sqlite`` sub-object.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from rencai.core.chinese import credit_code_check_char, id_check_digit  # noqa: E402

DEFAULT_URL = "postgres://rencai:rencai@127.0.0.1:5432/rencai_bench_import"
PROJECT_SETTINGS = "rencai.settings"
PEER_SETTINGS = "bench.peer.settings"
SEED = 20261120

ORG_NAME = "XX银行XX分行"
ORG_CREDIT_CODE = "91370100MA3CBENCH" + credit_code_check_char("91370100MA3CBENCH")
TITLE = f"{ORG_NAME}金融人才花名册"
FILLED_IN = f"填报单位：{ORG_NAME}    填报日期：2026年11月20日"
HEADERS = [
    "序号",
    "姓名",
    "性别",
    "民族",
    "出生年月",
    "身份证号码",
    "政治面貌",
    "学历",
    "学位",
    "专业技术职称",
    "部门",
    "职务",
    "参加工作时间",
    "手机号码",
    "人才类别",
]
TITLE_ROWS = 2

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严"
GIVEN = "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国志远晓雯文博思宇浩然子涵欣怡梓萱一鸣嘉俊雨桐海燕春梅红玉立新振德胜家豪宏晨阳佳琪雅琴"
AREAS = ["370102", "370103", "370104", "370105", "370112", "370113", "370181", "370124", "370126", "370114"]
ETHNIC_MINORITIES = ["回族", "满族", "蒙古族", "壮族", "朝鲜族", "土家族"]
#: (value, weight): the names of the dictionary entries of rencai/talents/demo.py
POLITICAL = [("中共党员", 45), ("共青团员", 15), ("群众", 40)]
EDUCATION = [("博士研究生", 2), ("硕士研究生", 30), ("大学本科", 58), ("大学专科", 10)]
DEGREE_OF = {"博士研究生": "博士", "硕士研究生": "硕士", "大学本科": "学士", "大学专科": None}
TITLES = [("经济师", 35), ("高级经济师", 10), ("会计师", 10), (None, 45)]
CATEGORIES = [("金融商务人才", 90), ("专业技术人才", 5), ("企业经营管理人才", 5)]
DEPARTMENTS = [
    "公司业务部",
    "零售业务部",
    "普惠金融部",
    "风险管理部",
    "授信审批部",
    "运营管理部",
    "金融科技部",
    "计划财务部",
    "人力资源部",
    "营业部",
]
POSITIONS = [
    "客户经理",
    "风险经理",
    "部门总经理",
    "部门副总经理",
    "支行行长",
    "理财经理",
    "信贷审批员",
    "柜员主管",
    "数据工程师",
    "合规经理",
    "会计主管",
    "产品经理",
]


# --- The roster ----------------------------------------------------------------------


def _weighted(rng: random.Random, options: list[tuple]) -> object:
    return rng.choices([v for v, _ in options], weights=[w for _, w in options])[0]


def _id_number(rng: random.Random, born: date, male: bool, seen: set[str]) -> str:
    """A GB 11643 number whose birth date and sex digit agree with the other columns."""
    while True:
        sequence = rng.randrange(500) * 2 + (1 if male else 0)
        first17 = f"{rng.choice(AREAS)}{born:%Y%m%d}{sequence:03d}"
        if first17 not in seen:
            seen.add(first17)
            return first17 + id_check_digit(first17)


def _date_cell(rng: random.Random, value: date) -> str | date:
    """As clerks fill them in: 1985.03, 1985-03-07 or a real date cell."""
    roll = rng.random()
    if roll < 0.5:
        return f"{value:%Y.%m}"
    if roll < 0.75:
        return value.isoformat()
    return value


def _person(rng: random.Random, seq: int, seen: set[str]) -> list:
    male = rng.random() < 0.52
    born = date(1962, 1, 1) + timedelta(days=rng.randrange(38 * 365))
    started = date(born.year + rng.randint(21, 25), rng.choice([7, 7, 7, 8, 9]), 1)
    name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=1 if rng.random() < 0.3 else 2))
    education = _weighted(rng, EDUCATION)
    degree = DEGREE_OF[education] if rng.random() < 0.95 else None
    return [
        seq,
        name,
        "男" if male else "女",
        "汉族" if rng.random() < 0.94 else rng.choice(ETHNIC_MINORITIES),
        _date_cell(rng, born),
        _id_number(rng, born, male, seen),
        _weighted(rng, POLITICAL),
        education,
        degree,
        _weighted(rng, TITLES),
        rng.choice(DEPARTMENTS),
        rng.choice(POSITIONS),
        _date_cell(rng, started),
        f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
        _weighted(rng, CATEGORIES),
    ]


def roster_rows(count: int, seed: int = SEED) -> Iterator[list]:
    """The data rows; the first N rows are the same whatever ``count`` is."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not a secret
    seen: set[str] = set()
    for seq in range(1, count + 1):
        yield _person(rng, seq, seen)


def write_roster(path: Path, count: int) -> None:
    """Write the roster with xlsxwriter in constant-memory mode; ID numbers and mobiles as text."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("花名册")
    title = workbook.add_format({"bold": True, "font_size": 16, "align": "center"})
    bold = workbook.add_format({"bold": True, "align": "center", "border": 1})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.merge_range(0, 0, 0, len(HEADERS) - 1, TITLE, title)
    sheet.merge_range(1, 0, 1, len(HEADERS) - 1, FILLED_IN)
    for col, header in enumerate(HEADERS):
        sheet.write_string(2, col, header, bold)
    for offset, row in enumerate(roster_rows(count)):
        for col, value in enumerate(row):
            _write_cell(sheet, TITLE_ROWS + 1 + offset, col, value, day)
    workbook.close()


def _write_cell(sheet, row: int, col: int, value: object, day) -> None:
    if value is None:
        return
    if isinstance(value, int):
        sheet.write_number(row, col, value)
    elif isinstance(value, date):
        sheet.write_datetime(row, col, value, day)
    else:
        sheet.write_string(row, col, value)


# --- Child processes -----------------------------------------------------------------


@dataclass
class Child:
    """What a child process left: its exit code, output, wall time and peak RSS."""

    code: int
    stdout: str
    stderr: str
    seconds: float
    rss_mb: float

    def last_json(self) -> dict:
        """The last line of stdout that is a JSON object (commands may print more)."""
        for line in reversed(self.stdout.strip().splitlines()):
            if line.startswith("{"):
                try:
                    return json.loads(line)
                except json.JSONDecodeError:
                    continue
        start = self.stdout.find("{")
        if start >= 0:
            return json.JSONDecoder().raw_decode(self.stdout[start:])[0]
        raise ValueError("no JSON object in the output")

    def failure(self) -> str:
        tail = (self.stderr or self.stdout).strip().splitlines()[-15:]
        return f"exit code {self.code}:\n    " + "\n    ".join(tail)


def run_child(argv: list[str], env: dict[str, str]) -> Child:
    """Run a process and wait for it with ``wait4``, which gives that process's own rusage."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(argv, stdout=out, stderr=err, env=env, cwd=ROOT)  # noqa: S603
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Child(
            process.returncode,
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
            seconds,
            usage.ru_maxrss / 1024,
        )


def child_env(database_url: str, settings: str) -> dict[str, str]:
    """Production-like: ``DEBUG`` off, so Django keeps no log of the queries."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": settings,
        "RENCAI_DEBUG": "0",
        "PYTHONPATH": path,
    }


#: The settings of the set-up children and of ``migrate``: the peer's (with
#: django-import-export) for a full run, the project's for ``--smoke`` (CI has no peer).
SETUP_SETTINGS = {"value": PEER_SETTINGS}


def run_self(part: str, database_url: str, *extra: str) -> Child:
    argv = [sys.executable, str(Path(__file__).resolve()), "--child", part, "--database-url", database_url, *extra]
    return run_child(argv, child_env(database_url, SETUP_SETTINGS["value"]))


def manage(database_url: str, *args: str, settings: str = PROJECT_SETTINGS, env: dict | None = None) -> Child:
    return run_child(
        [sys.executable, str(ROOT / "manage.py"), *args], {**child_env(database_url, settings), **(env or {})}
    )


def _report(payload: dict) -> None:
    print(json.dumps(payload, ensure_ascii=False), flush=True)


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _raw_rows(path: str) -> Iterator[list]:
    """The data rows as calamine reads them, after the title rows and the header."""
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(path).get_sheet_by_index(0).iter_rows()
    for number, row in enumerate(rows):
        if number > TITLE_ROWS:
            yield [None if value == "" else str(value) for value in row]


def child_floor(path: str, database_url: str) -> None:
    columns = ", ".join(f"c{i:02d}" for i in range(1, len(HEADERS) + 1))
    create = f"CREATE TABLE floor_rows ({', '.join(f'c{i:02d} text' for i in range(1, len(HEADERS) + 1))})"
    if database_url.startswith("sqlite"):
        rows, seconds = _floor_sqlite(path, sqlite_path(database_url), create, columns)
    else:
        rows, seconds = _floor_postgres(path, database_url, create, columns)
    _report({"rows": rows, "seconds": seconds, "rss_mb": _peak_rss_mb()})


def _floor_postgres(path: str, database_url: str, create: str, columns: str) -> tuple[int, float]:
    import psycopg

    with psycopg.connect(database_url) as conn:
        conn.execute("DROP TABLE IF EXISTS floor_rows")
        conn.execute(create)
        conn.commit()
        started = time.perf_counter()
        rows = 0
        with conn.cursor() as cursor, cursor.copy(f"COPY floor_rows ({columns}) FROM STDIN") as copy:
            for row in _raw_rows(path):
                copy.write_row(row)
                rows += 1
        conn.commit()
        return rows, time.perf_counter() - started


def _floor_sqlite(path: str, database: str, create: str, columns: str) -> tuple[int, float]:
    conn = sqlite3.connect(database)
    try:
        conn.execute("DROP TABLE IF EXISTS floor_rows")
        conn.execute(create)
        conn.commit()
        started = time.perf_counter()
        marks = ", ".join("?" * len(HEADERS))
        with conn:
            cursor = conn.executemany(f"INSERT INTO floor_rows ({columns}) VALUES ({marks})", _raw_rows(path))  # noqa: S608
        return cursor.rowcount, time.perf_counter() - started
    finally:
        conn.close()


def child_setup() -> None:
    """Dictionaries (as the demo defines them), the bank branch and its departments."""
    import django

    django.setup()
    from rencai.orgs.models import Department, Organization
    from rencai.talents import demo
    from rencai.talents.models import DictionaryEntry

    if not DictionaryEntry.objects.exists():
        demo._load_dictionaries()
    org, _ = Organization.objects.get_or_create(
        name=ORG_NAME, defaults={"kind": "bank", "credit_code": ORG_CREDIT_CODE, "short_name": "XX分行"}
    )
    for order, name in enumerate(DEPARTMENTS, start=1):
        Department.objects.get_or_create(organization=org, name=name, defaults={"order": order})
    _report({"organization": org.pk, "credit_code": org.credit_code})


def child_reset_talents() -> None:
    """Empty the talents table and every table that points at it, so each run creates all rows."""
    import django

    django.setup()
    from django.db import connection

    with connection.cursor() as cursor:
        tables = _empty_talent_tables(cursor)
    _report({"emptied": tables})


def _empty_talent_tables(cursor) -> list[str]:
    """Empty the talents table and every table that points at it; their names."""
    from django.db import connection

    from rencai.talents.models import Talent

    tables = _dependent_tables(Talent)
    if connection.vendor == "postgresql":
        cursor.execute(f"TRUNCATE {connection.ops.quote_name(Talent._meta.db_table)} CASCADE")
    else:
        for table in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608
    return tables


def child_table_floor() -> None:
    """Read the talents the pipeline wrote, empty the talents tables, and time writing the
    same rows back into the talents table in one transaction (``COPY`` on PostgreSQL)."""
    import django

    django.setup()
    from django.db import connection, transaction

    from rencai.talents.models import Talent

    table = connection.ops.quote_name(Talent._meta.db_table)
    columns = [field.column for field in Talent._meta.concrete_fields]
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = connection.connection  # psycopg: the COPY protocol both ways
            with raw.cursor() as pg, pg.copy(f"COPY (SELECT {names} FROM {table}) TO STDOUT") as copy:  # noqa: S608
                dump = b"".join(bytes(block) for block in copy)
            rows = dump.count(b"\n")
            _empty_talent_tables(cursor)
            started = time.perf_counter()
            with transaction.atomic(), raw.cursor() as pg, pg.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                copy.write(dump)
        else:
            cursor.execute(f"SELECT {names} FROM {table}")  # noqa: S608
            values = cursor.fetchall()
            rows = len(values)
            _empty_talent_tables(cursor)
            marks = ", ".join("%s" for _ in columns)
            started = time.perf_counter()
            with transaction.atomic():
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", values)  # noqa: S608
        seconds = time.perf_counter() - started
    _report({"rows": rows, "seconds": seconds})


def _dependent_tables(model) -> list[str]:
    """``model``'s table last, after the tables that refer to it (recursively)."""
    tables: list[str] = []
    for relation in model._meta.related_objects:
        if relation.related_model is not model:
            tables += [t for t in _dependent_tables(relation.related_model) if t not in tables]
    return [*tables, model._meta.db_table]


def child_peer(path: str, bulk: bool) -> None:
    """django-import-export as its users run it: tablib loads the xlsx, ``import_data`` saves."""
    import django

    django.setup()
    import tablib
    from django.db import connection

    from bench.peer.models import PeerTalent
    from bench.peer.resources import PeerTalentBulkResource, PeerTalentResource

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {PeerTalent._meta.db_table}")  # noqa: S608
    resource = PeerTalentBulkResource() if bulk else PeerTalentResource()
    started = time.perf_counter()
    with open(path, "rb") as handle:
        dataset = tablib.Dataset().load(handle.read(), format="xlsx", skip_lines=TITLE_ROWS)
    result = resource.import_data(dataset, dry_run=False, raise_errors=False)
    seconds = time.perf_counter() - started
    errors = [f"row {number}: {error.error!r}" for number, found in result.row_errors() for error in found]
    errors += [f"row {row.number}: {row.error_dict}" for row in result.invalid_rows]
    _report(
        {
            "rows": len(dataset),
            "seconds": seconds,
            "rss_mb": _peak_rss_mb(),
            "totals": dict(result.totals),
            "saved": PeerTalent.objects.count(),
            "errors": errors[:5],
        }
    )


def child_suites(rows: int) -> None:
    """Per row: seal ID number, mobile and e-mail, compute the two blind indexes (and,
    separately, open the three again), under freshly generated keys of each suite."""
    import django

    django.setup()
    from rencai.core.personal import bulk_indexer, bulk_sealer, decrypt, encrypt, index_under
    from rencai.secrets import Keyring, generate_key

    people = [(row[5], row[13], f"user{row[0]}@example.com") for row in roster_rows(rows)]
    from django.conf import settings

    result = {}
    for number, suite in enumerate(("international", "guomi"), start=50):
        key = generate_key(number, suite)
        settings.RENCAI_KEYRING = Keyring({number: key}, number)
        best = dict.fromkeys(("encrypt_us", "index_us", "decrypt_us", "bulk_encrypt_us", "bulk_index_us"), float("inf"))
        seal, index = bulk_sealer(key), bulk_indexer(key)
        for _pass in range(4):  # the best of four passes (the first warms the caches): the machine is shared
            started = time.perf_counter()
            sealed = [(encrypt(i, key), encrypt(m, key), encrypt(e, key)) for i, m, e in people]
            sealed_at = time.perf_counter()
            for i, m, _e in people:
                index_under(key, i)
                index_under(key, m)
            indexed_at = time.perf_counter()
            for values in sealed:
                for value in values:
                    decrypt(value)
            opened_at = time.perf_counter()
            # What the import uses: one cipher object per key, nonces in bulk, hmac.digest.
            for i, m, e in people:
                seal(i), seal(m), seal(e)
            bulk_sealed_at = time.perf_counter()
            for i, m, _e in people:
                index(i), index(m)
            bulk_indexed_at = time.perf_counter()
            for name, seconds in (
                ("encrypt_us", sealed_at - started),
                ("index_us", indexed_at - sealed_at),
                ("decrypt_us", opened_at - indexed_at),
                ("bulk_encrypt_us", bulk_sealed_at - opened_at),
                ("bulk_index_us", bulk_indexed_at - bulk_sealed_at),
            ):
                best[name] = min(best[name], seconds / rows * 1e6)
        result[suite] = {
            **best,
            "write_us": best["encrypt_us"] + best["index_us"],
            "bulk_write_us": best["bulk_encrypt_us"] + best["bulk_index_us"],
        }
    _report({"rows": rows, "suites": result})


def measure_suites(rows: int) -> dict:
    argv = [sys.executable, str(Path(__file__).resolve()), "--child", "suites", "--file", str(rows)]
    child = run_child(argv, child_env("sqlite:///:memory:", PROJECT_SETTINGS))
    if child.code:
        print(f"suites: failed, {child.failure()}")
        return {}
    found = child.last_json()["suites"]
    print(f"\nCost of each algorithm suite per talent row ({rows:,} rows; 3 fields sealed, 2 blind indexes)")
    print(
        f"  {'suite':<14} {'encrypt µs':>11} {'index µs':>9} {'write µs':>9} {'decrypt µs':>11}"
        f"   {'bulk encrypt':>12} {'bulk index':>10} {'bulk write':>10}"
    )
    for suite, cost in found.items():
        print(
            f"  {suite:<14} {cost['encrypt_us']:>11.1f} {cost['index_us']:>9.1f} {cost['write_us']:>9.1f} "
            f"{cost['decrypt_us']:>11.1f}   {cost['bulk_encrypt_us']:>12.1f} {cost['bulk_index_us']:>10.1f} "
            f"{cost['bulk_write_us']:>10.1f}"
        )
    print("  (bulk: as the import writes — one cipher object per key, nonces drawn in bulk, hmac.digest)")
    return {suite: round(cost["write_us"], 1) for suite, cost in found.items()}


def run_as_child(args: argparse.Namespace) -> None:
    if args.child == "suites":
        child_suites(int(args.file))
    elif args.child == "floor":
        child_floor(args.file, args.database_url)
    elif args.child == "setup":
        child_setup()
    elif args.child == "reset-talents":
        child_reset_talents()
    elif args.child == "table-floor":
        child_table_floor()
    elif args.child in {"peer", "peer-bulk"}:
        child_peer(args.file, bulk=args.child == "peer-bulk")


# --- Databases -----------------------------------------------------------------------


def sqlite_path(database_url: str) -> str:
    """The file of a ``sqlite:////absolute/path`` URL, as dj-database-url reads it."""
    return database_url.removeprefix("sqlite:///")


def ensure_postgres_database(database_url: str) -> None:
    """Create the benchmark database through the ``postgres`` database when it is missing."""
    import psycopg
    from psycopg import sql

    parsed = urlparse(database_url)
    name = parsed.path.lstrip("/")
    admin_url = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(name), sql.Identifier("rencai")))
            print(f"created database {name}")


def prepare_database(database_url: str) -> str:
    """Migrate (the project and the peer app) and load the reference data; the org's credit code."""
    migrated = manage(database_url, "migrate", "--noinput", settings=SETUP_SETTINGS["value"])
    if migrated.code:
        raise SystemExit(f"migrate failed, {migrated.failure()}")
    setup = run_self("setup", database_url)
    if setup.code:
        raise SystemExit(f"setting up reference data failed, {setup.failure()}")
    return setup.last_json()["credit_code"]


# --- Measurements --------------------------------------------------------------------


@dataclass
class Part:
    """One measured part: rows, seconds of work, peak RSS; ``note`` when it did not run."""

    name: str
    rows: int | None = None
    seconds: float | None = None
    rss_mb: float | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def rps(self) -> float | None:
        return self.rows / self.seconds if self.rows and self.seconds else None


def measure_floor(path: Path, database_url: str) -> Part:
    child = run_self("floor", database_url, "--file", str(path))
    if child.code:
        return Part("floor", note=f"failed, {child.failure()}")
    found = child.last_json()
    return Part("floor", found["rows"], found["seconds"], child.rss_mb)


def measure_table_floor(database_url: str) -> Part:
    child = run_self("table-floor", database_url)
    if child.code:
        return Part("table", note=f"failed, {child.failure()}")
    found = child.last_json()
    return Part("table", found["rows"], found["seconds"], child.rss_mb)


def measure_peer(path: Path, database_url: str, bulk: bool) -> Part:
    name = "peer bulk" if bulk else "peer"
    child = run_self("peer-bulk" if bulk else "peer", database_url, "--file", str(path))
    if child.code:
        return Part(name, note=f"failed, {child.failure()}")
    found = child.last_json()
    note = ""
    if found["errors"] or found["saved"] != found["rows"]:
        note = f"saved {found['saved']} of {found['rows']} rows; first errors: {found['errors']}"
    return Part(name, found["rows"], found["seconds"], child.rss_mb, note, {"totals": found["totals"]})


def startup_seconds(database_url: str) -> float:
    """Median wall time of ``manage.py check``: interpreter, Django set-up and system checks."""
    times = []
    for _ in range(3):
        child = manage(database_url, "check")
        if child.code:
            raise SystemExit(f"manage.py check failed, {child.failure()}")
        times.append(child.seconds)
    return statistics.median(times)


def measure_rencai(
    path: Path,
    database_url: str,
    credit_code: str,
    rows: int,
    suite: str = "",
    env: dict | None = None,
    name: str = "",
    measure_startup: bool = True,
) -> Part:
    command = ROOT / "rencai" / "core" / "management" / "commands" / "import_rows.py"
    if not command.exists():
        return Part("rencai", note=f"not measured: {command.relative_to(ROOT)} does not exist yet")
    reset = run_self("reset-talents", database_url)
    if reset.code:
        return Part("rencai", note=f"emptying the talents tables failed, {reset.failure()}")
    name = name or (f"rencai {suite}" if suite and suite != "international" else "rencai")
    if suite:
        os.environ["RENCAI_CRYPTO"] = suite
    try:
        baseline = startup_seconds(database_url) if measure_startup else 0.0
        child = manage(
            database_url, "import_rows", "talents", str(path), "--org", credit_code, "--commit", "--json", env=env
        )
    finally:
        os.environ.pop("RENCAI_CRYPTO", None)
    try:
        found = child.last_json()
    except ValueError:
        return Part(name, note=f"failed, {child.failure()}")
    part = Part(name, rows, child.seconds - baseline, child.rss_mb, extra={"raw": child.seconds, "base": baseline})
    errors = found.get("errors")
    error_count = len(errors) if isinstance(errors, list) else (errors or 0)
    if child.code or "error" in found or found.get("created") != rows or error_count:
        first = errors[:5] if isinstance(errors, list) else errors
        part.note = f"exit {child.code}; created {found.get('created')} of {rows}; {error_count} errors, first: {first}"
        part.note += f" {found.get('error', '')}"
    part.extra["summary"] = {k: v for k, v in found.items() if k != "errors"}
    if not measure_startup:  # the pipeline's own time (the summary's stages), not the command's
        part.seconds = sum(v for k, v in (found.get("timings") or {}).items() if ":" not in k) or None
        part.extra.pop("raw")
    return part


def measure_database(
    label: str, database_url: str, roster: Path, peer_roster: Path, rows: int, suites: list[str] | None = None
) -> list[Part]:
    print(f"\n== {label}: preparing {redact(database_url)}", flush=True)
    credit_code = prepare_database(database_url)
    parts = [measure_floor(roster, database_url)]
    print(f"   floor done ({_seconds(parts[-1])})", flush=True)
    for suite in suites or [""]:
        parts.append(measure_rencai(roster, database_url, credit_code, rows, suite))
        print(f"   {parts[-1].name} done ({_seconds(parts[-1])})", flush=True)
    parts.append(measure_table_floor(database_url))
    print(f"   table (the written rows copied back) done ({_seconds(parts[-1])})", flush=True)
    parts.append(measure_peer(peer_roster, database_url, bulk=False))
    print(f"   peer (default) done ({_seconds(parts[-1])})", flush=True)
    parts.append(measure_peer(peer_roster, database_url, bulk=True))
    print(f"   peer (bulk) done ({_seconds(parts[-1])})", flush=True)
    return parts


def _seconds(part: Part) -> str:
    return f"{part.seconds:.1f} s" if part.seconds is not None else "not measured"


def redact(url: str) -> str:
    parsed = urlparse(url)
    if parsed.password:
        return urlunparse(parsed._replace(netloc=parsed.netloc.replace(f":{parsed.password}@", ":***@")))
    return url


# --- Output --------------------------------------------------------------------------


def print_table(label: str, parts: list[Part]) -> None:
    print(f"\n{label}")
    print(f"  {'part':<12} {'rows':>9} {'seconds':>9} {'rows/s':>9} {'peak RSS MB':>12}")
    for part in parts:
        rows = f"{part.rows:,}" if part.rows else "-"
        seconds = f"{part.seconds:.2f}" if part.seconds is not None else "-"
        rps = f"{part.rps:,.0f}" if part.rps else "-"
        rss = f"{part.rss_mb:.0f}" if part.rss_mb is not None else "-"
        print(f"  {part.name:<12} {rows:>9} {seconds:>9} {rps:>9} {rss:>12}")
    for part in parts:
        if "raw" in part.extra:
            print(
                f"  {part.name}: {part.extra['raw']:.2f} s for the whole command minus {part.extra['base']:.2f} s of "
                "start-up (`manage.py check`, median of 3); rows/s uses the adjusted time"
            )
        if "summary" in part.extra:
            summary = {k: v for k, v in part.extra["summary"].items() if k not in ("columns", "timings")}
            print(f"  {part.name} summary: {json.dumps(summary, ensure_ascii=False)}")
            print_stages(part)
        if part.note:
            print(f"  {part.name}: {part.note}")


STAGES = {
    "read": "read the sheet",
    "normalise": "normalise and validate",
    "lookup": "look up existing keys",
    "write": "write (all)",
    "write:tuples": "  tuples, encryption, blind indexes",
    "write:insert": "  COPY / insert + batch audit entry",
    "write:after": "  career entries (+ their audit) and signals",
    "copy": "last batches' COPY (second thread, PostgreSQL)",
}


def print_stages(part: Part) -> None:
    """Each stage's share of the import's own time (``timings`` of the summary)."""
    timings = part.extra.get("summary", {}).get("timings") or {}
    total = sum(v for k, v in timings.items() if ":" not in k)
    if not total:
        return
    print(f"  {part.name}: stages ({total:.2f} s inside the pipeline)")
    for stage, label in STAGES.items():
        if stage in timings:
            seconds = timings[stage]
            per_row = seconds / part.rows * 1e6 if part.rows else 0
            print(f"    {label:<44} {seconds:>7.2f} s {seconds / total:>6.1%} {per_row:>7.1f} µs/row")


def figures(parts: list[Part]) -> dict:
    by_name = {part.name: part for part in parts}
    floor, table, rencai, peer, bulk = (by_name[n].rps for n in ("floor", "table", "rencai", "peer", "peer bulk"))
    return {
        "floor_rps": _round(floor, 0),
        "table_rps": _round(table, 0),
        "table_vs_floor": _ratio(table, floor),
        "rencai_rps": _round(rencai, 0),
        "peer_rps": _round(peer, 0),
        "peer_bulk_rps": _round(bulk, 0),
        "rencai_vs_floor": _ratio(rencai, floor),
        "rencai_vs_peer": _ratio(rencai, peer),
        "rencai_vs_peer_bulk": _ratio(rencai, bulk),
        "peak_rss_mb": _round(by_name["rencai"].rss_mb, 0),
    }


def _round(value: float | None, digits: int) -> float | None:
    if value is None:
        return None
    return round(value) if digits == 0 else round(value, digits)


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    return round(numerator / denominator, 2) if numerator and denominator else None


# --- Main ----------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="data rows in the roster (default 100000)")
    parser.add_argument(
        "--peer-rows", type=int, help="rows for django-import-export (default: all); rows/s is then extrapolated"
    )
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"PostgreSQL database (default {DEFAULT_URL})")
    parser.add_argument("--only", choices=["pg", "sqlite"], help="measure one database only")
    parser.add_argument("--sqlite", action="store_true", help="accepted for clarity: SQLite runs unless --only pg")
    parser.add_argument("--keep-file", action="store_true", help="keep the generated roster(s) and print the path")
    parser.add_argument(
        "--suites", help="run the full pipeline once per suite, e.g. international,guomi (default: as configured)"
    )
    parser.add_argument("--suites-only", action="store_true", help="only the per-row cost of each suite")
    parser.add_argument("--suite-rows", type=int, default=2000, help="rows for the per-suite cost (default 2000)")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="CI check: a few thousand rows on SQLite, the pipeline loaded and streamed; exit 1 if it breaks",
    )
    parser.add_argument(
        "--memory-rows", type=int, default=0, help="also import an N-row roster (e.g. 200000) and check peak RSS"
    )
    parser.add_argument("--memory-only", action="store_true", help="only the --memory-rows run")
    parser.add_argument("--rss-limit-mb", type=float, default=300.0, help="peak RSS limit of the memory run")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def generate(workdir: Path, rows: int, peer_rows: int | None) -> tuple[Path, Path]:
    roster = workdir / f"roster_{rows}.xlsx"
    started = time.perf_counter()
    write_roster(roster, rows)
    print(
        f"generated {roster} ({rows:,} rows, {roster.stat().st_size / 1e6:.1f} MB) in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )
    if not peer_rows or peer_rows >= rows:
        return roster, roster
    peer_roster = workdir / f"roster_{peer_rows}.xlsx"
    write_roster(peer_roster, peer_rows)
    print(f"generated {peer_roster} ({peer_rows:,} rows, the first rows of the roster) for the peer", flush=True)
    return roster, peer_roster


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.child:
        run_as_child(args)
        return
    print(f"load average before: {_load()}", flush=True)
    if args.smoke:
        raise SystemExit(smoke(args))
    if args.memory_only:
        raise SystemExit(memory_run(args))
    if args.suites_only:
        _report({"suite_write_us_per_row": measure_suites(args.suite_rows)})
        return
    suites = [s.strip() for s in args.suites.split(",")] if args.suites else None
    workdir = Path(tempfile.mkdtemp(prefix="rencai_bench_import_"))
    roster, peer_roster = generate(workdir, args.rows, args.peer_rows)
    results: dict[str, list[Part]] = {}
    if args.only != "sqlite":
        ensure_postgres_database(args.database_url)
        results["pg"] = measure_database("PostgreSQL", args.database_url, roster, peer_roster, args.rows, suites)
    if args.only != "pg":
        sqlite_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
        results["sqlite"] = measure_database("SQLite", sqlite_url, roster, peer_roster, args.rows, suites)
    for key, label in (("pg", "PostgreSQL"), ("sqlite", "SQLite")):
        if key in results:
            print_table(f"{label}, {args.rows:,} rows", results[key])
    summary = {"rows": args.rows, **(figures(results["pg"]) if "pg" in results else figures_empty())}
    if "sqlite" in results:
        summary["sqlite"] = figures(results["sqlite"])
    if args.peer_rows and args.peer_rows < args.rows:
        summary["peer_rows"] = args.peer_rows
    for key in results:
        target = summary if key == "pg" else summary.get(key, {})
        for part in results[key]:
            if part.name.startswith("rencai ") and part.rps:
                target[f"{part.name.replace(' ', '_')}_rps"] = round(part.rps)
    summary["suite_write_us_per_row"] = measure_suites(args.suite_rows)
    print(f"\nload average after: {_load()} ({os.cpu_count()} CPUs); timings depend on what else runs")
    _cleanup(workdir, args.keep_file)
    if args.memory_rows:
        memory_run(args)
    _report(summary)


def memory_run(args: argparse.Namespace) -> int:
    """Import an ``--memory-rows`` roster (PostgreSQL unless ``--only sqlite``) and compare
    the command's peak RSS with ``--rss-limit-mb``; 1 when over."""
    # A sheet of ``--memory-rows`` rows in all (the platform's limit counts the sheet's
    # rows): the data rows are that less the title rows and the header.
    rows = (args.memory_rows or 200_000) - TITLE_ROWS - 1
    workdir = Path(tempfile.mkdtemp(prefix="rencai_bench_memory_"))
    roster, _ = generate(workdir, rows, None)
    if args.only == "sqlite":
        label, url = "SQLite", f"sqlite:///{workdir / 'bench.sqlite3'}"
    else:
        label, url = "PostgreSQL", args.database_url
        ensure_postgres_database(url)
    print(f"\n== memory run: {rows:,} rows on {label}, load average {_load()}", flush=True)
    credit_code = prepare_database(url)
    part = measure_rencai(roster, url, credit_code, rows, name="rencai")
    print_table(f"{label}, {rows:,} rows (memory run)", [part])
    ok = not part.note and part.rss_mb is not None and part.rss_mb < args.rss_limit_mb
    verdict = "PASS" if ok else "FAIL"
    print(f"RESULT memory: {rows:,} rows, peak RSS {part.rss_mb or 0:.0f} MB (limit {args.rss_limit_mb:.0f}) {verdict}")
    print(f"load average after: {_load()}")
    _cleanup(workdir, args.keep_file)
    _report({"memory_rows": rows, "memory_rps": _round(part.rps, 0), "memory_peak_rss_mb": _round(part.rss_mb, 0)})
    return 0 if ok else 1


def smoke(args: argparse.Namespace) -> int:
    """A few thousand rows on SQLite, with the project's own settings (no peer): the floor,
    the pipeline with calamine and with the streaming reader, then ``verify_audit``.
    Returns 1 when any part fails or writes other than every row."""
    rows = args.rows if args.rows != 100_000 else 2000
    SETUP_SETTINGS["value"] = PROJECT_SETTINGS
    workdir = Path(tempfile.mkdtemp(prefix="rencai_bench_smoke_"))
    started = time.perf_counter()
    roster, _ = generate(workdir, rows, None)
    url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    credit_code = prepare_database(url)
    parts = [measure_floor(roster, url)]
    parts.append(measure_rencai(roster, url, credit_code, rows, name="rencai", measure_startup=False))
    streamed = {"RENCAI_IMPORT_STREAM_BYTES": "0"}
    parts.append(
        measure_rencai(roster, url, credit_code, rows, env=streamed, name="rencai stream", measure_startup=False)
    )
    print("  (rencai: seconds inside the pipeline, from its stage timings; start-up not measured)")
    verified = manage(url, "verify_audit")
    print_table(f"SQLite smoke, {rows:,} rows", parts)
    failures = [f"{p.name}: {p.note}" for p in parts if p.note or not p.rps]
    if verified.code:
        failures.append(f"verify_audit: {verified.failure()}")
    print(f"verify_audit: {(verified.stdout or verified.stderr).strip().splitlines()[-1:]}")
    print(f"load average after: {_load()}; smoke run took {time.perf_counter() - started:.0f} s")
    _cleanup(workdir, args.keep_file)
    for failure in failures:
        print(f"FAILED {failure}")
    _report(
        {
            "smoke": "fail" if failures else "pass",
            **{f"{p.name.replace(' ', '_')}_rps": _round(p.rps, 0) for p in parts},
        }
    )
    return 1 if failures else 0


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def figures_empty() -> dict:
    names = ("floor_rps", "table_rps", "table_vs_floor", "rencai_rps", "peer_rps", "peer_bulk_rps", "rencai_vs_floor")
    return dict.fromkeys((*names, "rencai_vs_peer", "rencai_vs_peer_bulk", "peak_rss_mb"))


def _cleanup(workdir: Path, keep: bool) -> None:
    if keep:
        print(f"kept the roster(s) and the SQLite file in {workdir}")
        return
    for path in workdir.iterdir():
        path.unlink()
    workdir.rmdir()


if __name__ == "__main__":
    main()
