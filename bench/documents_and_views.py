"""Times what officials wait for on the demo data: generating each document template for
the year, the leader view, the training figures, a returns aggregate, a selection ranking
and an expert draw's verification. Prints median and max of N runs per item.

    DATABASE_URL=sqlite:////tmp/bench-demo.sqlite3 python bench/documents_and_views.py --runs 5

The database must hold the demo (``manage.py migrate && manage.py seed_demo``)."""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rencai.settings")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from rencai.accounts.models import User  # noqa: E402
from rencai.dashboards.data import Scope  # noqa: E402
from rencai.dashboards.documents import render  # noqa: E402
from rencai.dashboards.figures import Period  # noqa: E402
from rencai.dashboards.models import DocumentTemplate  # noqa: E402
from rencai.evaluation.models import Draw, Review  # noqa: E402
from rencai.returns.models import ReturnPeriod  # noqa: E402


def timed(runs: int, func) -> tuple[float, float]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        result = func()
        seconds.append(time.perf_counter() - started)
        status = getattr(result, "status_code", 200)
        if status != 200:
            raise SystemExit(f"answered {status}")
    return statistics.median(seconds), max(seconds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--user", default="office", help="the office user to act as (default: the demo's office)")
    parser.add_argument(
        "--smoke", action="store_true", help="one run; items whose data the database lacks are skipped (CI)"
    )
    args = parser.parse_args()
    if args.smoke:
        args.runs = 1
    office = User.objects.get(username=args.user)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(office)
    year = timezone.localdate().year
    items = []
    for template in DocumentTemplate.objects.all():
        items.append((f"文稿 {template.get_kind_display()}", lambda t=template: render(t, Scope(office, Period(year)))))
    items.append(("领导驾驶舱页面", lambda: client.get("/dashboards/")))
    items.append(("培训统计页面", lambda: client.get("/training/figures/")))
    period = ReturnPeriod.objects.filter(form__is_survey=False).order_by("-ends_on").first()
    review = Review.objects.order_by("pk").first()
    draw = Draw.objects.order_by("pk").first()
    for label, found, url in (
        ("报表汇总页面", period, lambda: f"/returns/periods/{period.pk}/aggregate/"),
        ("评审排名页面", review, lambda: f"/evaluation/reviews/{review.pk}/ranking/"),
        ("抽取公开验证页面", draw, lambda: f"/evaluation/draws/{draw.pk}/verify/"),
    ):
        if found is None:
            if not args.smoke:
                raise SystemExit(f"{label}: the database holds none (run manage.py seed_demo)")
            print(f"{label}: skipped (the database holds none)")
            continue
        path = url()
        items.append((label, lambda u=path: client.get(u)))
    print(f"{'item':<28}{'median ms':>12}{'max ms':>10}")
    for label, func in items:
        median, worst = timed(args.runs, func)
        print(f"{label:<28}{median * 1000:>12.0f}{worst * 1000:>10.0f}")


if __name__ == "__main__":
    main()
