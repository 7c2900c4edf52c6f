"""Times the talent-project board (``/projects/board/``) over many tasks: for the office
(all tasks, and one programme), for a unit's liaison, plus the leader view and the daily
colour recompute. Prints the median and max of N runs per page.

    DATABASE_URL=postgres://rencai:rencai@127.0.0.1:5432/rencai_bench python manage.py migrate
    DATABASE_URL=postgres://rencai:rencai@127.0.0.1:5432/rencai_bench python bench/project_board.py --tasks 20000

The script adds its own units, users and tasks (named 基准…) to whatever the database
holds, once: a second run reuses them."""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rencai.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from rencai.accounts.models import User  # noqa: E402
from rencai.orgs.models import Organization  # noqa: E402
from rencai.projects.models import (  # noqa: E402
    Colour,
    ColourChange,
    ProjectTask,
    SupervisionNotice,
    TalentProject,
    TaskState,
)
from rencai.projects.services import recompute_all  # noqa: E402

STATES = [TaskState.ASSIGNED, TaskState.SIGNED, TaskState.IN_PROGRESS, TaskState.REPORTED, TaskState.CLOSED]


def user(username: str, role: str, organization: Organization) -> User:
    found = User.objects.filter(username=username).first()
    if found is None:
        found = User(username=username, full_name=username, role=role, organization=organization)
        found.set_unusable_password()
        found.save()
    return found


def populate(count: int) -> tuple[User, User, User, TalentProject]:
    office_org, _ = Organization.objects.get_or_create(name="基准金融办", defaults={"kind": "government"})
    units = []
    for n in range(60):
        unit = Organization.objects.filter(name=f"基准单位{n:02d}").first()
        units.append(unit or Organization.objects.create(name=f"基准单位{n:02d}", kind="bank"))
    office = user("bench_office", "office", office_org)
    leader = user("bench_leader", "leader", office_org)
    liaison = user("bench_liaison", "liaison", units[0])
    projects = []
    for n in range(10):
        project = TalentProject.objects.filter(name=f"基准工程{n}").first()
        projects.append(
            project
            or TalentProject.objects.create(
                name=f"基准工程{n}", starts_year=2026, ends_year=2028, lead_unit=office_org, lead_leader=leader
            )
        )
    have = ProjectTask.objects.filter(title__startswith="基准任务").count()
    if have < count:
        rng = random.Random(17)  # noqa: S311 - reproducible test data, not a secret
        today = timezone.localdate()
        batch = []
        for n in range(have, count):
            start = today - timedelta(days=rng.randint(0, 300))
            due = start + timedelta(days=rng.randint(10, 400))
            state = rng.choice(STATES)
            batch.append(
                ProjectTask(
                    project=rng.choice(projects),
                    title=f"基准任务{n}",
                    organization=rng.choice(units),
                    owner="张三",
                    starts_on=start,
                    due_on=due,
                    state=state,
                    progress=rng.randint(0, 100),
                    returned_count=rng.choice([0, 0, 0, 1]),
                    closed_on=due + timedelta(days=rng.randint(-20, 10)) if state == TaskState.CLOSED else None,
                )
            )
        ProjectTask.objects.bulk_create(batch, batch_size=2000)
    return office, leader, liaison, projects[0]


def timed(runs: int, func) -> tuple[float, float]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        result = func()
        seconds.append(time.perf_counter() - started)
        status = getattr(result, "status_code", 200)
        if status != 200:
            raise SystemExit(f"answered {status}")
    return statistics.median(seconds) * 1000, max(seconds) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--reset-colours", action="store_true", help="clear the bench tasks' colours, history and notices first"
    )
    parser.add_argument("--smoke", action="store_true", help="300 tasks, one run: that it runs, in seconds (CI)")
    args = parser.parse_args()
    if args.smoke:
        args.tasks, args.runs = min(args.tasks, 300), 1
    office, leader, liaison, project = populate(args.tasks)
    if args.reset_colours:
        bench_tasks = ProjectTask.objects.filter(title__startswith="基准任务")
        ColourChange.objects.filter(task__in=bench_tasks).delete()
        SupervisionNotice.objects.filter(task__in=bench_tasks).delete()
        bench_tasks.update(colour=Colour.NONE, colour_since=None, behind_since=None)
    started = time.perf_counter()
    changed = recompute_all()
    recompute_ms = (time.perf_counter() - started) * 1000
    total = ProjectTask.objects.count()
    colours = {c: ProjectTask.objects.filter(colour=c).count() for c in Colour.values}
    print(f"database {connection.vendor}, {total} tasks, colours {colours}")
    print(f"colour recompute of all tasks: {recompute_ms:.0f} ms ({changed} changed; first run of the day)")
    started = time.perf_counter()
    recompute_all()
    print(f"colour recompute again (nothing changes): {(time.perf_counter() - started) * 1000:.0f} ms")
    clients = {}
    for who in (office, leader, liaison):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(who)
        clients[who.username] = client
    items = [
        ("board, office, all tasks", lambda: clients["bench_office"].get("/projects/board/")),
        ("board, office, one programme", lambda: clients["bench_office"].get(f"/projects/board/?project={project.pk}")),
        ("board, office, red only", lambda: clients["bench_office"].get("/projects/board/?colour=red")),
        ("board, liaison (own unit)", lambda: clients["bench_liaison"].get("/projects/board/")),
        ("task list, office", lambda: clients["bench_office"].get("/o/project-tasks/")),
        ("timeline of one programme", lambda: clients["bench_office"].get(f"/projects/{project.pk}/timeline/")),
        ("leader view", lambda: clients["bench_leader"].get("/dashboards/")),
    ]
    print(f"{'page':32} {'median ms':>10} {'max ms':>8}")
    for label, func in items:
        func()  # warm
        median, worst = timed(args.runs, func)
        print(f"{label:32} {median:10.0f} {worst:8.0f}")


if __name__ == "__main__":
    main()
