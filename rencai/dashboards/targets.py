"""Progress of a target, counted live through the list it links to."""

from django.utils import timezone

from rencai.core.figures import Count, Grouped, Progress, target_progress
from rencai.dashboards.figures import list_count
from rencai.dashboards.models import Target

__all__ = ["Progress", "progress"]

#: The registry's filters a grouped count of the talents can answer a target's entry by.
GROUPED_ENTRY_KINDS = ("category", "tier")


def progress(
    target: Target, user, on=None, *, talents: Grouped | None = None, pools: Grouped | None = None
) -> Progress:
    """``target``'s progress as ``user`` sees it. ``talents`` (the active talents grouped
    by category and tier) and ``pools`` (the active memberships grouped by pool), when the
    caller has them for the same user, answer the count without a query of its own."""
    on = on or timezone.localdate()
    figure = _from_groups(target, talents, pools) or _counted(target, user)
    return target_progress(figure.value or 0, target.number, target.elapsed_share(on), figure.url)


def _counted(target: Target, user) -> Count:
    if target.pool_id:
        return list_count("pool-memberships", user, status="active", pool=target.pool_id)
    query: dict[str, str | int] = {"is_active": "true"}
    if target.entry_id and target.entry is not None:
        query[target.entry.kind] = target.entry_id
    if target.organization_id:
        query["within"] = target.organization_id
    return list_count("talents", user, **query)


def _from_groups(target: Target, talents: Grouped | None, pools: Grouped | None) -> Count | None:
    """The target's count added up from a grouped count of the same list and query, or
    None when those groups cannot tell it."""
    if target.pool_id:
        if pools is None or pools.rows is None or pools.query != {"status": "active"}:
            return None
        return pools.count(pool=target.pool_id)
    if talents is None or talents.rows is None or talents.query != {"is_active": "true"} or target.organization_id:
        return None
    if not target.entry_id:
        return talents.count()
    if target.entry is None or target.entry.kind not in GROUPED_ENTRY_KINDS or target.entry.kind not in talents.by:
        return None
    return talents.count(**{target.entry.kind: target.entry_id})
