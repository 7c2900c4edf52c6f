"""Progress of a target, counted live through the list it links to."""

from dataclasses import dataclass

from django.utils import timezone

from rencai.dashboards.figures import list_count
from rencai.dashboards.models import Target


@dataclass
class Progress:
    current: int
    percent: int
    elapsed: int
    mark: str
    url: str


def progress(target: Target, user, on=None) -> Progress:
    on = on or timezone.localdate()
    if target.pool_id:
        figure = list_count("pool-memberships", user, pool=target.pool_id, status="active")
    else:
        query = {"is_active": "true"}
        if target.entry_id:
            query[target.entry.kind] = target.entry_id
        if target.organization_id:
            query["within"] = target.organization_id
        figure = list_count("talents", user, **query)
    current = figure.value or 0
    percent = round(current * 100 / target.number)
    elapsed = round(target.elapsed_share(on) * 100)
    if current >= target.number:
        mark = "已完成"
    elif percent >= elapsed:
        mark = "进度正常"
    else:
        mark = "进度滞后"
    return Progress(current, percent, elapsed, mark, figure.url)
