"""Progress of a target, counted live through the list it links to."""

from django.utils import timezone

from rencai.core.figures import Progress, target_progress
from rencai.dashboards.figures import list_count
from rencai.dashboards.models import Target

__all__ = ["Progress", "progress"]


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
    return target_progress(figure.value or 0, target.number, target.elapsed_share(on), figure.url)
