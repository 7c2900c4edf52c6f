"""The leader view, a generated document and the talents export at 1,000,000 talents.

Targets (issue 25), PostgreSQL 15 with its default configuration on 2 cores:

* leader view (leader, bank liaison) < 300 ms, built from the database (cache off), and a
  cached view (the data version unchanged) costs a look-up;
* 年度人才工作总结 generation < 500 ms;
* talents export: first byte < 2 s, ≥ 20,000 rows/s, no temporary file left.

The script reuses ``bench/talent_search.py`` to load N talents (with qualifications,
honours and pool memberships) by COPY when the database does not hold exactly N, adds
training (office classes with enrolments, institutions' own training), a statistical
return with its submissions and the demo's document templates in proportion, then times
each item ``--runs`` times and prints medians beside the *anchor*: the same figures as
three raw SQL aggregates (category × tier, kind of institution, pool × batch), with the
ratio of each item to it. Its last line is one JSON object (medians).

    DATABASE_URL=postgres://rencai:rencai@127.0.0.1:5433/rencai_bench_i25 \\
        python bench/leader_view.py --talents 1000000

``--smoke`` loads 3,000 talents into the database named and runs each item twice (CI).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import talent_search as ts  # noqa: E402

#: Office training classes per talent per year (the demo: 3 classes of 24 for 2,000).
CLASSES_PER_TALENT = 3 / 2000
ENROLMENTS_PER_CLASS = 24
TARGETS = {"leader_ms": 300.0, "liaison_ms": 300.0, "document_ms": 500.0}
EXPORT_FIRST_BYTE_S = 2.0
EXPORT_ROWS_PER_S = 20_000.0


def ensure_users(ref: ts.Reference) -> dict[str, int]:
    from rencai.accounts.models import User
    from rencai.orgs.models import Organization

    office = Organization.objects.get(pk=ref.office_org)
    leader, created = User.objects.get_or_create(
        username="bench-leader",
        defaults={"role": "leader", "organization": office, "full_name": "leader", "email": "bench-leader@example.cn"},
    )
    if created:
        leader.set_unusable_password()
        leader.save()
    return {"leader": leader.pk, **ref.users}


def ensure_extras(talents: int, ref: ts.Reference, seed: int) -> None:
    """Training, returns and document templates in proportion to ``talents`` (once)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from rencai.dashboards import demo as dashboards_demo
    from rencai.orgs.models import Organization
    from rencai.returns.models import PeriodType, ReturnForm, ReturnPeriod
    from rencai.returns.services import ensure_submissions
    from rencai.training.models import Enrollment, OwnTraining, TrainingClass, TrainingProgramme

    dashboards_demo.load(ts._Printer())
    today = timezone.localdate()
    if not ReturnForm.objects.filter(code="BENCH-HR").exists():
        form = ReturnForm.objects.create(code="BENCH-HR", name="金融人力资源统计表", period_type=PeriodType.ANNUAL)
        period = ReturnPeriod.objects.create(
            form=form,
            label=f"{today.year}年",
            starts_on=date(today.year, 1, 1),
            ends_on=date(today.year, 12, 31),
            due_on=today + timedelta(days=20),
        )
        ensure_submissions(period)
    wanted = max(2, round(talents * CLASSES_PER_TALENT))
    programme, _created = TrainingProgramme.objects.get_or_create(name="金融人才素质提升（基准）")
    # A reload of the talents empties the enrolments (TRUNCATE … CASCADE), not the classes.
    enrolled = Enrollment.objects.filter(training_class__programme=programme).count()
    if TrainingClass.objects.filter(programme=programme).count() == 2 * wanted and enrolled == (
        2 * wanted * ENROLMENTS_PER_CLASS
    ):
        return
    rng = random.Random(seed + 7)  # noqa: S311 - reproducible data
    now = timezone.now()
    heads = list(
        Organization.objects.filter(parent__isnull=True).exclude(pk=ref.office_org).values_list("pk", flat=True)
    )
    with transaction.atomic(), connection.cursor() as cursor:
        TrainingClass.objects.filter(programme=programme).delete()
        OwnTraining.objects.filter(title__startswith="基准").delete()
        classes = []
        for year in (today.year - 1, today.year):
            for number in range(wanted):
                start = date(year, 1, 1) + timedelta(
                    days=rng.randrange(0, 300 if year < today.year else today.timetuple().tm_yday)
                )
                classes.append(
                    (
                        programme.pk,
                        f"{year}年第{number + 1}期（基准）",
                        ref.office_org,
                        start,
                        start + timedelta(days=1),
                        ENROLMENTS_PER_CLASS,
                        "open",
                    )
                )
        ts._copy(
            cursor,
            "training_trainingclass",
            ("programme_id", "name", "organization_id", "starts_on", "ends_on", "capacity", "state"),
            classes,
        )
        ids = list(TrainingClass.objects.filter(programme=programme).values_list("pk", flat=True))
        top = ts.talent_count()
        enrolments = (
            (class_id, talent_id, "nominated", "confirmed", True, 12, ref.users["office"])
            for class_id in ids
            for talent_id in rng.sample(range(1, top + 1), ENROLMENTS_PER_CLASS)
        )
        ts._copy(
            cursor,
            "training_enrollment",
            ("training_class_id", "talent_id", "route", "state", "completed", "hours", "requested_by_id"),
            enrolments,
        )
        OwnTraining.objects.bulk_create(
            OwnTraining(
                organization_id=org,
                title=f"基准培训{n}",
                topic_kind="business",
                starts_on=date(year, rng.randint(1, 12 if year < today.year else today.month), 1),
                ends_on=date(year, rng.randint(1, 12 if year < today.year else today.month), 2),
                sessions=rng.randint(1, 3),
                participants=max(20, round(talents / 2000 * rng.randint(20, 160) / len(heads))),
                hours=8,
                created_at=now,
                updated_at=now,
            )
            for org in heads
            for year in (today.year - 1, today.year)
            for n in range(3)
        )
        for table in ("training_trainingclass", "training_enrollment", "training_owntraining"):
            cursor.execute(f"ANALYZE {table}")


def timed(runs: int, func: Callable[[], Any]) -> list[float]:
    values = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        values.append((time.perf_counter() - started) * 1000)
    return values


def anchor() -> None:
    """The leader view's registry figures as three raw aggregates."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT category_id, tier_id, count(*) FROM talents_talent WHERE is_active GROUP BY 1, 2")
        cursor.fetchall()
        cursor.execute(
            "SELECT o.kind, count(*) FROM talents_talent t JOIN orgs_organization o ON o.id = t.organization_id "
            "WHERE t.is_active GROUP BY 1"
        )
        cursor.fetchall()
        cursor.execute(
            "SELECT pool_id, batch_id, count(*) FROM talents_poolmembership "
            "WHERE left_on IS NULL AND (term_end IS NULL OR term_end >= CURRENT_DATE) GROUP BY 1, 2"
        )
        cursor.fetchall()


def client_for(user_pk: int):
    from django.test import Client

    from rencai.accounts.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=user_pk))
    return client


def page(client, url: str) -> Callable[[], None]:
    def get() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        b"".join(response) if getattr(response, "streaming", False) else response.content

    return get


def export(client) -> dict[str, float]:
    """The talents export: seconds to the first byte, rows per second, bytes."""
    from django.conf import settings

    # The streamed download is what is measured here; above this many rows the export page
    # would queue a background export (issue 25 item 4) and answer with a redirect.
    settings.RENCAI_EXPORT_BACKGROUND_ROWS = 10**12
    before = set(glob.glob(os.path.join(tempfile.gettempdir(), "rencai-export-*")))
    started = time.perf_counter()
    cpu = time.process_time()
    response = client.get("/o/talents/export/")
    if response.status_code != 200:
        raise SystemExit(f"export answered {response.status_code}")
    first = None
    size = 0
    for chunk in response.streaming_content if response.streaming else [response.content]:
        if first is None and chunk:
            first = time.perf_counter() - started
        size += len(chunk)
    total = time.perf_counter() - started
    cpu = time.process_time() - cpu
    response.close()
    left = set(glob.glob(os.path.join(tempfile.gettempdir(), "rencai-export-*"))) - before
    del settings
    return {"first_byte_s": first or total, "total_s": total, "cpu_s": cpu, "bytes": size, "left": len(left)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--talents", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5, help="timed runs per item (medians)")
    parser.add_argument("--export-runs", type=int, default=1)
    parser.add_argument("--smoke", action="store_true", help="3,000 talents, 2 runs: that it runs, in seconds")
    parser.add_argument("--no-export", action="store_true", help="skip the export (it reads every talent)")
    parser.add_argument("--reload", action="store_true")
    parser.add_argument("--force", action="store_true", help="allow a database whose name lacks 'bench'")
    parser.add_argument("--seed", type=int, default=ts.SEED)
    args = parser.parse_args(argv)
    if args.smoke:
        args.talents, args.runs = min(args.talents, 3000), 2
    ts.setup_django(args.force)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from rencai.accounts.models import User
    from rencai.dashboards.data import Scope
    from rencai.dashboards.documents import render
    from rencai.dashboards.figures import Period
    from rencai.dashboards.models import DocumentKind, DocumentTemplate
    from rencai.talents.models import Talent

    print(
        f"database: {connection.settings_dict['NAME']} on {connection.settings_dict['HOST']}:{connection.settings_dict['PORT']}"
    )
    call_command("migrate", verbosity=0)
    ref = ts.ensure_reference_data()
    existing = ts.talent_count()
    if existing != args.talents or args.reload:
        print(f"  loading {args.talents:,} talents (table held {existing:,}) …", flush=True)
        started = time.perf_counter()
        ts.load_talents(args.talents, ref, args.seed)
        print(f"  loaded in {time.perf_counter() - started:.0f} s")
    ensure_extras(args.talents, ref, args.seed)
    users = ensure_users(ref)
    year = timezone.localdate().year
    template = DocumentTemplate.objects.get(kind=DocumentKind.ANNUAL_SUMMARY)
    leader = User.objects.get(pk=users["leader"])
    leader_client, liaison_client = client_for(users["leader"]), client_for(users["liaison-icbc"])
    talents = Talent.objects.count()

    load_before = os.getloadavg()
    results: dict[str, list[float]] = {}
    settings.RENCAI_FIGURES_CACHE = False
    page(leader_client, "/dashboards/")()  # warm-up (connections, templates, imports)
    results["anchor_ms"] = timed(args.runs, anchor)
    results["leader_ms"] = timed(args.runs, page(leader_client, "/dashboards/"))
    results["liaison_ms"] = timed(args.runs, page(liaison_client, "/dashboards/"))
    results["document_ms"] = timed(args.runs, lambda: render(template, Scope(leader, Period(year))))
    settings.RENCAI_FIGURES_CACHE = True
    page(leader_client, "/dashboards/")()
    page(liaison_client, "/dashboards/")()
    results["leader_cached_ms"] = timed(args.runs, page(leader_client, "/dashboards/"))
    results["liaison_cached_ms"] = timed(args.runs, page(liaison_client, "/dashboards/"))
    office_client = client_for(users["office"])
    exports = [export(office_client) for _ in range(0 if args.no_export else args.export_runs)]
    load_after = os.getloadavg()

    medians = {name: statistics.median(values) for name, values in results.items()}
    anchor_ms = medians["anchor_ms"]
    print(
        f"\n{talents:,} talents; load average {load_before[0]:.1f} before, {load_after[0]:.1f} after on {os.cpu_count()} CPUs"
    )
    print(f"{'item':<28}{'median ms':>10}{'max ms':>9}{'× anchor':>10}{'target':>9}")
    failed = []
    for name, values in results.items():
        target = TARGETS.get(name)
        over = target is not None and medians[name] >= target
        if over:
            failed.append(name)
        print(
            f"{name:<28}{medians[name]:>10.1f}{max(values):>9.1f}{medians[name] / anchor_ms:>10.2f}"
            f"{'' if target is None else f'< {target:.0f}':>9}{'  <-- over' if over else ''}"
        )
    first_byte = rows_per_s = left = cpu_rows_per_s = None
    if exports:
        first_byte = statistics.median(e["first_byte_s"] for e in exports)
        rows_per_s = statistics.median(talents / e["total_s"] for e in exports)
        left = max(e["left"] for e in exports)
        cpu_rows_per_s = statistics.median(talents / e["cpu_s"] for e in exports)
        print(
            f"{'export (talents)':<28} first byte {first_byte:.2f} s (< {EXPORT_FIRST_BYTE_S:.0f}), "
            f"{rows_per_s:,.0f} rows/s (≥ {EXPORT_ROWS_PER_S:,.0f}), {exports[0]['bytes'] / 1e6:.1f} MB, "
            f"{exports[0]['total_s']:.1f} s, temporary files left {left}; "
            f"{cpu_rows_per_s:,.0f} rows per CPU second of the application process"
        )
        if first_byte >= EXPORT_FIRST_BYTE_S or rows_per_s < EXPORT_ROWS_PER_S or left:
            failed.append("export")
    print("OK: every target met" if not failed else f"over target: {', '.join(failed)}")
    summary = {
        "talents": talents,
        **{name: round(value, 1) for name, value in medians.items()},
        "export_first_byte_s": None if first_byte is None else round(first_byte, 3),
        "export_rows_per_s": None if rows_per_s is None else round(rows_per_s),
        "export_files_left": left,
        "export_rows_per_cpu_s": None if cpu_rows_per_s is None else round(cpu_rows_per_s),
        "load_before": round(load_before[0], 2),
        "load_after": round(load_after[0], 2),
    }
    print(json.dumps(summary))
    return 0 if args.smoke or not failed else 1


if __name__ == "__main__":
    sys.exit(main())
