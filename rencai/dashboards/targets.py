"""Progress of a target, counted live through the list it links to."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from rencai.dashboards.figures import list_count
from rencai.dashboards.models import Target


@dataclass
class Progress:
    current: int
    percent: int
    elapsed: int
    mark: str
    url: str
    behind: bool = False


def progress(target: Target, user, on=None) -> Progress:
    on = on or timezone.localdate()
    if target.pool_id:
        figure = list_count("pool-memberships", user, pool=target.pool_id, status="active")
    else:
        query: dict[str, str | int] = {"is_active": "true"}
        if target.entry_id and target.entry is not None:
            query[target.entry.kind] = target.entry_id
        if target.organization_id:
            query["within"] = target.organization_id
        figure = list_count("talents", user, **query)
    current = figure.value or 0
    percent = round(current * 100 / target.number)
    elapsed = round(target.elapsed_share(on) * 100)
    behind = current < target.number and percent < elapsed
    if current >= target.number:
        mark = _("已完成")
    elif behind:
        mark = _("进度滞后")
    else:
        mark = _("进度正常")
    return Progress(current, percent, elapsed, str(mark), figure.url, behind)
