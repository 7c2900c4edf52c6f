"""Benchmark of the talent registry's search and filtered list on PostgreSQL.

The requirement: with 1,000,000 talents, name / pinyin prefix search and the filtered
list answer in under 150 ms at the 95th percentile.

The script

1. migrates the database named by ``DATABASE_URL`` (it must be PostgreSQL, and its name
   must contain ``bench`` unless ``--force``, because loading truncates the registry),
   creates the dictionaries, the demo organisations with their branches, a few pools and
   the benchmark users (one office user, two liaisons);
2. loads N talents with ``COPY`` (derived name columns, encrypted ID number / mobile /
   e-mail with their blind indexes, realistic distributions), plus qualifications,
   honours and pool memberships, then ``VACUUM ANALYZE``. A table that already holds
   exactly N talents is kept, so reruns start measuring at once;
3. times the code path of the list page: ``ObjectListView.filtered_queryset`` (scope,
   ``TalentFilter``, ``search_talents``, ordering) then ``ListPaginator(qs, 25).get_page(1)``
   with the count and the 25 rows fetched, for each kind of query and each user, and
   prints p50 / p95 / max. It also times turning the 25 rows into table cells
   (``display_value`` of the list columns) and counts the queries that takes;
4. exits with status 1 when a p95 reaches the threshold (150 ms), naming the culprits.

Run::

    DATABASE_URL=postgres://rencai:rencai@127.0.0.1:5432/rencai_bench \\
        /tmp/venv/bin/python bench/talent_search.py --talents 1000000
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import Model
    from django.http import HttpRequest

ROOT = Path(__file__).resolve().parent.parent
SEED = 2026
THRESHOLD_MS = 150.0

#: Tables emptied before a (re)load; CASCADE also empties the services tables that
#: point at talents.
TALENT_TABLES = (
    "talents_talent",
    "talents_talentqualification",
    "talents_honour",
    "talents_poolmembership",
    "talents_careerentry",
    "talents_changerequest",
)

TALENT_COLUMNS = (
    "id",
    "version",
    "created_at",
    "updated_at",
    "name",
    "name_simplified",
    "name_pinyin",
    "name_initials",
    "name_first",
    "initials_head",
    "gender",
    "id_number",
    "id_number_bidx",
    "birth_date",
    "ethnicity",
    "political_status",
    "mobile",
    "mobile_bidx",
    "email",
    "position",
    "work_start",
    "is_active",
    "notes",
    "category_id",
    "degree_id",
    "department_id",
    "echelon_id",
    "education_id",
    "level_id",
    "organization_id",
    "subcategory_id",
    "tier_id",
    "title_id",
    "user_id",
)
QUALIFICATION_COLUMNS = (
    "version",
    "created_at",
    "updated_at",
    "obtained_on",
    "certificate_number",
    "qualification_id",
    "talent_id",
)
HONOUR_COLUMNS = (
    "version",
    "created_at",
    "updated_at",
    "name",
    "level",
    "awarded_by",
    "awarded_on",
    "source",
    "source_reference",
    "talent_id",
)
MEMBERSHIP_COLUMNS = (
    "version",
    "created_at",
    "updated_at",
    "specialty",
    "source",
    "source_detail",
    "joined_on",
    "term_end",
    "left_on",
    "exit_reason",
    "batch_id",
    "renewed_from_id",
    "talent_id",
    "pool_id",
)

ID_AREAS = ("370102", "370103", "370104", "370105", "370112", "370113", "370114", "370181")
#: Share of the registry in each pool (the demo's 2,000 talents scaled), and its batches.
POOLS = (
    ("管理咨询专项人才库", "consulting", "city", 0.0075, 1),
    ("培训讲师专项人才库", "lecturer", "city", 0.007, 1),
    ("优秀学员专项人才库", "trainee", "city", 0.0075, 1),
    ("济南市金融专家智库", "think_tank", "city", 0.02, 1),
    ("市中英才", "elite", "county", 0.0485, 3),
)
BATCH_NAMES = ("首批", "第二批", "第三批")
QUALIFICATION_WEIGHTS = (6, 3, 8, 1, 0.5, 20, 8, 15, 15, 20, 3)

USERS = (
    # (username, role, organisation name, label in the table)
    ("bench-office", "office", None, "office"),
    ("bench-liaison", "liaison", "中国工商银行股份有限公司济南分行", "liaison-icbc"),
    ("bench-liaison-small", "liaison", "鲁证期货股份有限公司", "liaison-small"),
)


# --- set-up -----------------------------------------------------------------------------


def setup_django(force: bool) -> None:
    """Point Django at the benchmark database and start it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "DATABASE_URL must name a PostgreSQL database, e.g. postgres://rencai:rencai@127.0.0.1:5432/rencai_bench"
        )
    database = url.rsplit("/", 1)[-1].split("?", 1)[0]
    if "bench" not in database and not force:
        sys.exit(f"refusing to load into {database!r}: its name lacks 'bench' (loading truncates talents); use --force")
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rencai.settings")
    os.environ.setdefault("RENCAI_DEBUG", "0")  # as deployed: no query log on every cursor
    import django

    django.setup()


class _Printer:
    def write(self, text: str) -> None:
        print(f"  {text}")


@dataclass
class Reference:
    """Reference rows the generator and the queries pick from."""

    entries: dict[tuple[str, str], int]
    organizations: list[tuple[int, str, str, bool]]  # (id, path, kind, is head)
    office_org: int
    batches: list[tuple[int, int, date, date, float]]  # (pool id, batch id, start, end, share)
    pools: list[int]
    users: dict[str, Any]

    def codes(self, kind: str) -> list[str]:
        return [code for (k, code) in self.entries if k == kind]


def ensure_reference_data() -> Reference:
    """Dictionaries, organisations (with branches), pools and the benchmark users."""
    from django.utils import timezone

    from rencai.accounts.models import User
    from rencai.orgs import demo as org_demo
    from rencai.orgs.models import Organization
    from rencai.talents.defaults import load_defaults
    from rencai.talents.models import DictionaryEntry, PoolBatch, TalentPool

    org_demo.load(_Printer())
    load_defaults()
    entries: dict[tuple[str, str], int] = {
        (str(kind), code): pk for pk, kind, code in DictionaryEntry.objects.values_list("pk", "kind", "code")
    }

    today = timezone.localdate()
    batches = []
    for name, kind, level, share, batch_count in POOLS:
        pool, _created = TalentPool.objects.get_or_create(name=name, defaults={"kind": kind, "level": level})
        for number in range(batch_count):
            start = date(today.year - batch_count + number, 7, 1)
            batch, _created = PoolBatch.objects.get_or_create(
                pool=pool,
                name=BATCH_NAMES[number],
                defaults={
                    "decision_date": start - timedelta(days=10),
                    "document_number": f"济金办发〔{start.year}〕{number + 5}号",
                    "term_start": start,
                    "term_end": start.replace(year=start.year + 3) - timedelta(days=1),
                },
            )
            batches.append((pool.pk, batch.pk, batch.term_start, batch.term_end, share / batch_count))

    office = Organization.objects.get(name=org_demo.OFFICE)
    users = {}
    for username, role, org_name, label in USERS:
        organization = office if org_name is None else Organization.objects.get(name=org_name)
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "role": role,
                "organization": organization,
                "full_name": label,
                "email": f"{username}@example.cn",
            },
        )
        if created:
            user.set_unusable_password()
            user.save()
        users[label] = user.pk
    organizations = [
        (o.pk, o.path, o.kind, o.parent_id is None) for o in Organization.objects.exclude(pk=office.pk).order_by("path")
    ]
    return Reference(
        entries=entries,
        organizations=organizations,
        office_org=office.pk,
        batches=batches,
        pools=sorted({b[0] for b in batches}),
        users=users,
    )


# --- loading ----------------------------------------------------------------------------


@dataclass
class NameParts:
    """Simplified form, full pinyin and initials of name components, computed once each."""

    cache: dict[str, tuple[str, str, str]] = field(default_factory=dict)

    def of(self, text: str) -> tuple[str, str, str]:
        parts = self.cache.get(text)
        if parts is None:
            from rencai.core.chinese import pinyin_full, pinyin_initials, to_simplified

            simplified = to_simplified(text)
            parts = (simplified, pinyin_full(simplified), pinyin_initials(simplified))
            self.cache[text] = parts
        return parts


def _secondary_indexes(cursor, table: str) -> list[tuple[str, str]]:
    """(name, definition) of the indexes of ``table`` that back no constraint."""
    cursor.execute(
        """
        SELECT i.relname, pg_get_indexdef(x.indexrelid)
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        WHERE x.indrelid = %s::regclass AND NOT x.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
        """,
        [table],
    )
    return list(cursor.fetchall())


def _completed(table: str, columns: Iterable[str]) -> tuple[tuple[str, ...], tuple[Any, ...]]:
    """``columns`` plus every other column of ``table``'s model with the value a new row gets.

    A column added by a migration with a default (or nullable, or a blank text) is filled
    by itself, so the loader does not rot with every new field; only a new required column
    without a default (or a column the loader writes that no longer exists) stops it.
    """
    from django.apps import apps
    from django.db import models

    model = next(m for m in apps.get_models() if m._meta.db_table == table)
    fields = {f.column: f for f in model._meta.concrete_fields}
    columns = tuple(columns)
    gone = sorted(set(columns) - fields.keys())
    if gone:
        sys.exit(f"{table}: the loader writes columns that no longer exist: {gone}; update bench/talent_search.py")
    extra_columns: list[str] = []
    extra_values: list[Any] = []
    for column, f in fields.items():
        if column in columns or (f.primary_key and column not in columns and table != "talents_talent"):
            continue
        if f.has_default():
            value = f.get_default()
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            from django.utils import timezone

            value = timezone.now()
        elif f.null:
            value = None
        elif f.blank and isinstance(f, (models.CharField, models.TextField)):
            value = ""
        else:
            sys.exit(f"{table}.{column} is required and has no default; add it to the loader in bench/talent_search.py")
        extra_columns.append(column)
        extra_values.append(value)
    return columns + tuple(extra_columns), tuple(extra_values)


def _copy(cursor, table: str, columns: Iterable[str], rows: Iterable[tuple]) -> int:
    """COPY ``rows`` into ``table``; columns the rows do not give get their defaults."""
    all_columns, extra = _completed(table, columns)
    count = 0
    with cursor.copy(f"COPY {table} ({', '.join(all_columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row((*row, *extra) if extra else row)
            count += 1
    return count


def load_talents(count: int, ref: Reference, seed: int) -> dict[str, float]:
    """Empty the registry and load ``count`` talents with their child rows by COPY."""
    from django.db import connection, transaction
    from django.utils import timezone

    from rencai.core.chinese import id_check_digit
    from rencai.core.personal import blind_index, encrypt
    from rencai.talents.demo import (
        CATEGORY_BY_KIND,
        GIVEN,
        HONOURS,
        KIND_WEIGHTS,
        POSITIONS,
        SUBCATEGORY_BY_KIND,
        SURNAMES,
    )

    rng = random.Random(seed)  # noqa: S311 - reproducible test data
    now = timezone.now()
    today = timezone.localdate()
    e = ref.entries
    orgs = ref.organizations
    org_weights = [KIND_WEIGHTS.get(kind, 1) * (1 if head else 0.5) for _id, _path, kind, head in orgs]
    categories = ref.codes("category")
    qualification_codes = ref.codes("qualification")
    # Surnames roughly as frequent as in life: 王李张 about 8% each, the tail rare.
    surname_weights = [1 / (rank + 3) for rank in range(len(SURNAMES))]
    parts = NameParts()
    ages = [(23, 35), (36, 45), (46, 58)]

    timings: dict[str, float] = {}
    qualifications: list[tuple[int, int, date]] = []
    honours: list[tuple[int, int, date]] = []
    per_day: dict[date, int] = {}

    def talents():
        org_picks = rng.choices(range(len(orgs)), org_weights, k=count)
        surname_picks = rng.choices(SURNAMES, surname_weights, k=count)
        for talent_id in range(1, count + 1):
            org_id, _path, kind, _head = orgs[org_picks[talent_id - 1]]
            surname = surname_picks[talent_id - 1]
            given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
            s1, p1, i1 = parts.of(surname)
            s2, p2, i2 = parts.of(given)
            low, high = ages[rng.choices((0, 1, 2), (5, 3, 2))[0]]
            age = rng.randint(low, high)
            born = date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))
            serial = per_day[born] = per_day.get(born, 0) + 1
            male = rng.random() < 0.52
            first17 = f"{ID_AREAS[serial % 8]}{born:%Y%m%d}{(serial // 8) % 500 * 2 + male:03d}"
            id_number = first17 + id_check_digit(first17)
            mobile = f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"
            category = CATEGORY_BY_KIND.get(kind, "JR") if rng.random() < 0.8 else rng.choice(categories)
            subcategory = SUBCATEGORY_BY_KIND.get(kind) if category == "JR" else None
            roll = rng.random()
            level = "B" if roll < 0.02 else "Q" if roll < 0.12 else "W" if roll < 0.42 else None
            roll = rng.random()
            tier = (
                "LJ"
                if age >= 45 and roll < 0.08
                else "GD"
                if age >= 35 and roll < 0.25
                else "YC"
                if roll < 0.45
                else None
            )
            education = rng.choices(("10", "20", "30", "40"), (3, 30, 60, 7))[0]
            degree = {"10": "2", "20": "3", "30": "4"}.get(education, "9")
            title = rng.choice(("ECON-G", "ECON", "ECON", "ACC", "ENG")) if rng.random() < 0.55 else None
            work_start = date(min(born.year + 22 + rng.randint(0, 3), today.year - 1), rng.randint(1, 12), 1)
            if rng.random() < 0.3:
                held = rng.choices(qualification_codes, QUALIFICATION_WEIGHTS, k=rng.choice((1, 1, 2)))
                for code in set(held):
                    obtained = date(rng.randint(work_start.year, today.year - 1), rng.randint(1, 12), 1)
                    qualifications.append((talent_id, e[("qualification", code)], obtained))
            if rng.random() < 0.07:
                honours.append((talent_id, rng.randrange(len(HONOURS)), date(today.year - rng.randint(0, 4), 12, 20)))
            yield (
                talent_id,
                1,
                now,
                now,
                surname + given,
                s1 + s2,
                (p1 + p2)[:200],
                (i1 + i2)[:50],
                s1[:1],
                (i1 + i2)[:2],
                "M" if male else "F",
                encrypt(id_number),
                blind_index(id_number),
                born,
                "汉族" if rng.random() < 0.95 else rng.choice(("回族", "满族", "蒙古族")),
                rng.choices(("cpc", "cyl", "masses", "democratic"), (55, 15, 27, 3))[0],
                encrypt(mobile),
                blind_index(mobile),
                encrypt(f"t{talent_id:07d}@example.cn"),
                rng.choice(POSITIONS),
                work_start,
                True,
                "",
                e[("category", category)],
                e[("degree", degree)],
                None,
                e[("echelon", rng.choice("12345"))] if tier or level else None,
                e[("education", education)],
                e[("level", level)] if level else None,
                org_id,
                e[("subcategory", subcategory)] if subcategory else None,
                e[("tier", tier)] if tier else None,
                e[("title", title)] if title else None,
                None,
            )

    def memberships():
        for pool_id, batch_id, start, end, share in ref.batches:
            for talent_id in rng.sample(range(1, count + 1), max(5, round(count * share))):
                left = rng.random() < 0.1
                yield (
                    1,
                    now,
                    now,
                    "",
                    "decision",
                    "",
                    start,
                    end,
                    start + timedelta(days=200) if left else None,
                    "调离本市" if left else "",
                    batch_id,
                    None,
                    talent_id,
                    pool_id,
                )

    with transaction.atomic(), connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(f"TRUNCATE {', '.join(TALENT_TABLES)} RESTART IDENTITY CASCADE")
        loaded_tables = ("talents_talent", "talents_talentqualification", "talents_honour", "talents_poolmembership")
        indexes = [index for table in loaded_tables for index in _secondary_indexes(cursor, table)]
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        # Rows are generated consistent; skip the per-row foreign-key triggers of COPY.
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        _copy(cursor, "talents_talent", TALENT_COLUMNS, talents())
        timings["generate + COPY talents"] = time.perf_counter() - started

        started = time.perf_counter()
        _copy(
            cursor,
            "talents_talentqualification",
            QUALIFICATION_COLUMNS,
            ((1, now, now, obtained, "", qualification, talent) for talent, qualification, obtained in qualifications),
        )
        _copy(
            cursor,
            "talents_honour",
            HONOUR_COLUMNS,
            (
                (1, now, now, HONOURS[h][0], HONOURS[h][1], HONOURS[h][2], on, "entered", "", talent)
                for talent, h, on in honours
            ),
        )
        members = _copy(cursor, "talents_poolmembership", MEMBERSHIP_COLUMNS, memberships())
        timings["COPY qualifications, honours, memberships"] = time.perf_counter() - started

        started = time.perf_counter()
        for _name, definition in indexes:
            cursor.execute(definition)
        for table in loaded_tables:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608
        cursor.execute("SET LOCAL session_replication_role = origin")
        timings["build indexes"] = time.perf_counter() - started

    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table in loaded_tables:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    timings["VACUUM ANALYZE"] = time.perf_counter() - started
    print(
        f"  loaded {count:,} talents, {len(qualifications):,} qualifications, {len(honours):,} honours, "
        f"{members:,} pool memberships"
    )
    return timings


def talent_count() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM talents_talent")
        return cursor.fetchone()[0]


# --- what is asked ----------------------------------------------------------------------


@dataclass
class Samples:
    """Existing talents whose names and numbers the searches use."""

    names: list[str]
    pinyins: list[tuple[str, str]]  # (full pinyin, pinyin of the surname)
    initials: list[str]
    id_numbers: list[str]
    mobiles: list[str]
    honours: list[str]


def draw_samples(rng: random.Random, size: int = 3000) -> Samples:
    from rencai.core.chinese import pinyin_full
    from rencai.talents.demo import HONOURS
    from rencai.talents.models import Talent

    top = Talent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ids = rng.sample(range(1, top + 1), min(size, top))
    rows = list(
        Talent.objects.filter(pk__in=ids).values_list("name", "name_pinyin", "name_initials", "id_number", "mobile")
    )
    rng.shuffle(rows)
    return Samples(
        names=[r[0] for r in rows],
        pinyins=[(r[1], pinyin_full(r[0][0])) for r in rows],
        initials=[r[2] for r in rows],
        id_numbers=[r[3] for r in rows],
        mobiles=[r[4] for r in rows],
        honours=[name for name, _level, _by in HONOURS],
    )


@dataclass
class Persona:
    label: str
    user_pk: int
    within: list[int]  # organisations the user may pick in the 所在机构 filter


ParamsFn = Callable[[random.Random, Samples, Reference, Persona], dict[str, str]]


def _prefix_name(length: int) -> ParamsFn:
    def params(rng, s, ref, who):
        name = rng.choice([n for n in s.names if len(n) >= length] or s.names)
        return {"q": name[:length]}

    return params


def _pinyin(rng, s, ref, who):
    full, surname = rng.choice(s.pinyins)
    return {"q": full[: rng.randint(min(len(surname), len(full)), len(full))]}


def _initials(rng, s, ref, who):
    initials = rng.choice(s.initials)
    return {"q": initials[: rng.randint(2, max(2, len(initials)))]}


def _entry(ref: Reference, kind: str, rng: random.Random) -> str:
    return str(ref.entries[(kind, rng.choice(ref.codes(kind)))])


def _category_tier(rng, s, ref, who):
    return {"category": _entry(ref, "category", rng), "tier": _entry(ref, "tier", rng)}


def _within_level(rng, s, ref, who):
    return {"within": str(rng.choice(who.within)), "level": _entry(ref, "level", rng)}


def _age_category(rng, s, ref, who):
    return {"age": rng.choice(("-35", "36-45", "46-55", "56-")), "category": _entry(ref, "category", rng)}


KINDS: list[tuple[str, ParamsFn]] = [
    ("name 1 char", _prefix_name(1)),
    ("name 2 chars", _prefix_name(2)),
    ("name 3 chars", _prefix_name(3)),
    ("pinyin prefix", _pinyin),
    ("initials", _initials),
    ("id number", lambda rng, s, ref, who: {"q": rng.choice(s.id_numbers)}),
    ("mobile", lambda rng, s, ref, who: {"q": rng.choice(s.mobiles)}),
    ("category+tier", _category_tier),
    ("within+level", _within_level),
    ("age+category", _age_category),
    ("qualification", lambda rng, s, ref, who: {"qualification": _entry(ref, "qualification", rng)}),
    ("pool", lambda rng, s, ref, who: {"pool": str(rng.choice(ref.pools))}),
    ("honour", lambda rng, s, ref, who: {"honour": rng.choice(s.honours)[:4]}),
    ("unfiltered", lambda rng, s, ref, who: {}),
]


# --- measuring --------------------------------------------------------------------------


@dataclass
class Result:
    kind: str
    persona: str
    page_ms: list[float] = field(default_factory=list)
    cells_ms: list[float] = field(default_factory=list)
    totals: list[int] = field(default_factory=list)
    page_queries: int = 0
    cell_queries: int = 0
    worst: tuple[float, dict[str, str]] = (0.0, {})

    def p(self, values: list[float], q: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class ListPage:
    """The talents list page up to (and apart from) its template."""

    def __init__(self) -> None:
        from django.test import RequestFactory

        from rencai.core.objects import registered

        self.config = registered()["talents"]
        self.factory = RequestFactory()

    def request(self, user_pk: int, params: dict[str, str]) -> HttpRequest:
        from rencai.accounts.models import User

        request = self.factory.get("/talents/", params)
        request.user = User.objects.get(pk=user_pk)  # a fresh user, as each request has
        return request

    def page(self, request: HttpRequest) -> tuple[int, list[Model]]:
        """What ``ObjectListView.get_context_data`` asks of the database for its page."""
        from rencai.core.objects.pages import ObjectListView
        from rencai.core.paginator import ListPaginator

        view = ObjectListView(config=self.config)
        view.setup(request)
        queryset, _filterset = view.filtered_queryset()
        page = ListPaginator(queryset, self.config.paginate_by).get_page(request.GET.get("page"))
        total = page.paginator.count
        return total, list(page.object_list)

    def cells(self, rows: list[Model]) -> list[list[str]]:
        from rencai.core.display import display_value

        return [[display_value(obj, c) for c in self.config.list_columns] for obj in rows]


def measure(
    page: ListPage,
    kind: str,
    params_fn: ParamsFn,
    who: Persona,
    samples: Samples,
    ref: Reference,
    rng: random.Random,
    iterations: int,
    warmup: int,
) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result = Result(kind, who.label)
    for number in range(warmup + iterations):
        params = params_fn(rng, samples, ref, who)
        request = page.request(who.user_pk, params)
        if number < warmup:
            connection.queries_log.clear()  # the log is capped; an old full log hides new queries
            with CaptureQueriesContext(connection) as page_queries:
                _total, rows = page.page(request)
            with CaptureQueriesContext(connection) as cell_queries:
                page.cells(rows)
            result.page_queries = max(result.page_queries, len(page_queries) - 1)  # less the user's row
            result.cell_queries = max(result.cell_queries, len(cell_queries))
            continue
        started = time.perf_counter()
        total, rows = page.page(request)
        middle = time.perf_counter()
        page.cells(rows)
        ended = time.perf_counter()
        elapsed = (middle - started) * 1000
        result.page_ms.append(elapsed)
        result.cells_ms.append((ended - middle) * 1000)
        result.totals.append(total)
        if elapsed > result.worst[0]:
            result.worst = (elapsed, params)
    return result


def explain(page: ListPage, who: Persona, params: dict[str, str]) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of the queries of one page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    request = page.request(who.user_pk, params)
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        page.page(request)
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if "talents_talent" not in sql:
                continue
            print(f"\n    -- {query['time']}s  {sql}")
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            for (line,) in cursor.fetchall():
                print(f"    {line}")


def personas(ref: Reference) -> list[Persona]:
    from rencai.accounts.models import User
    from rencai.orgs.models import Organization

    found = []
    for label, pk in ref.users.items():
        user = User.objects.get(pk=pk)
        within = list(Organization.objects.visible_to(user).exclude(pk=ref.office_org).values_list("pk", flat=True))
        found.append(Persona(label, pk, within))
    return found


HEADER = (
    f"{'kind':<15} {'user':<14} {'n':>4} {'matches p50':>11} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
    f"{'SQL':>4} {'+cells p95':>10} {'+SQL':>5}"
)


def print_row(r: Result, threshold: float) -> bool:
    """Print one line of the table; True when its p95 misses the threshold."""
    p95 = r.p(r.page_ms, 0.95)
    over = p95 >= threshold
    print(
        f"{r.kind:<15} {r.persona:<14} {len(r.page_ms):>4} {int(statistics.median(r.totals)):>11,} "
        f"{r.p(r.page_ms, 0.5):>8.1f} {p95:>8.1f} {max(r.page_ms):>8.1f} {r.page_queries:>4} "
        f"{r.p(r.cells_ms, 0.95):>10.1f} {r.cell_queries:>5}{'  <-- over' if over else ''}",
        flush=True,
    )
    return over


# --- main -------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--talents", type=int, default=20_000, help="registry size (default 20,000)")
    parser.add_argument("--iterations", type=int, default=50, help="measured requests per kind and user")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured requests first (these count the SQL)")
    parser.add_argument("--threshold-ms", type=float, default=THRESHOLD_MS, help="p95 limit (default 150)")
    parser.add_argument("--kinds", default="", help="only kinds whose name contains one of these (comma-separated)")
    parser.add_argument("--users", default="", help="only these users: office, liaison-icbc, liaison-small")
    parser.add_argument("--reload", action="store_true", help="reload even if the table holds N talents")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest request of a failing kind")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--force", action="store_true", help="allow a database whose name lacks 'bench'")
    parser.add_argument(
        "--smoke", action="store_true", help="3,000 talents, 3 requests per kind: that it runs, in seconds (CI)"
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.talents, args.iterations, args.warmup = min(args.talents, 3000), 3, 1
    return args


def main(argv: list[str] | None = None) -> int:
    """Load (if needed) and measure; 0 when every p95 is under the threshold."""
    args = parse_args(argv)
    setup_django(args.force)
    from django.core.management import call_command
    from django.db import connection

    print(f"database: {connection.settings_dict['NAME']} on {connection.settings_dict['HOST']}")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    ref = ensure_reference_data()
    print(f"  migrate and reference data: {time.perf_counter() - started:.1f} s")

    existing = talent_count()
    if existing == args.talents and not args.reload:
        print(f"  talents_talent already holds {existing:,} talents; not reloading (use --reload)")
    else:
        print(f"  loading {args.talents:,} talents (table held {existing:,}) …")
        started = time.perf_counter()
        timings = load_talents(args.talents, ref, args.seed)
        for step, seconds in timings.items():
            print(f"  {step:<45} {seconds:8.1f} s")
        print(f"  {'load total':<45} {time.perf_counter() - started:8.1f} s")

    rng = random.Random(args.seed + 1)  # noqa: S311 - reproducible inputs
    samples = draw_samples(rng)
    page = ListPage()
    everyone = personas(ref)
    office = next(p for p in everyone if p.label == "office")
    if page.page(page.request(office.user_pk, {"q": samples.id_numbers[0]}))[0] != 1:
        print("ID-number search finds nothing: the data was loaded with other keys (RENCAI_INDEX_KEY); use --reload")
        return 2

    wanted_kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    wanted_users = {u.strip() for u in args.users.split(",") if u.strip()}
    kinds = [(n, f) for n, f in KINDS if not wanted_kinds or any(w in n for w in wanted_kinds)]
    who_all = [p for p in everyone if not wanted_users or p.label in wanted_users]
    print(
        f"\nmeasuring {len(kinds)} kinds x {len(who_all)} users, {args.iterations} requests each after "
        f"{args.warmup} warm-up; threshold p95 < {args.threshold_ms:.0f} ms"
    )
    print(
        "page = filtered_queryset + ListPaginator(25).get_page(1) + count + 25 rows; "
        "+cells = display_value of the list columns for those rows\n"
    )
    failed = []
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    print(HEADER)
    print("-" * len(HEADER), flush=True)
    for kind, params_fn in kinds:
        for who in who_all:
            result = measure(page, kind, params_fn, who, samples, ref, rng, args.iterations, args.warmup)
            if print_row(result, args.threshold_ms):
                failed.append(result)
    elapsed = time.perf_counter() - started
    print(
        f"\n({elapsed:.0f} s of measuring; load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after "
        f"on {os.cpu_count()} CPUs; SQL = queries per page incl. filter lookups, +SQL = per-row queries)"
    )
    if not failed:
        print(f"OK: every p95 under {args.threshold_ms:.0f} ms")
        return 0
    if args.smoke:
        print("smoke run: timings are not judged")
        return 0
    print(f"FAILED: p95 ≥ {args.threshold_ms:.0f} ms for " + ", ".join(f"{r.kind} ({r.persona})" for r in failed))
    if args.explain:
        for r in failed:
            print(f"\n== {r.kind} ({r.persona}), slowest {r.worst[0]:.0f} ms with {r.worst[1]}")
            explain(page, next(p for p in everyone if p.label == r.persona), r.worst[1])
    return 1


if __name__ == "__main__":
    sys.exit(main())
