"""Figures that the leader view and generated documents show, and the registry through
which each app contributes its own (in its ``providers.py``).

A figure that counts a list is counted through that list's own declaration: the same
scoping (``visible``), the same filters and the same query string as the list page it
links to, so a figure and its list cannot disagree.

The dashboards import domain apps only through this registry: an app declares a block of
the leader view with :func:`leader_block_provider` and a document data item with
:func:`data_item`, and the dashboards pick them up when core autodiscovers providers.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, cast
from urllib.parse import urlencode

from django.db import models
from django.http import QueryDict

from rencai.core.objects import registered

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from rencai.orgs.models import Organization


@dataclass
class Figure:
    """A figure of the leader view: a count, an amount or a percentage."""

    label: StrOrPromise
    value: int | Decimal | None
    url: str = ""


@dataclass
class Count(Figure):
    """A figure counted through a list: always a whole number (or none, when hidden)."""

    value: int | None


@dataclass
class Block:
    """A titled group of figures on the leader view."""

    title: str
    figures: list[Figure] = field(default_factory=list)


def list_queryset(slug: str, user: Any, **query: object) -> Any:
    """The rows the list ``slug`` shows ``user`` with ``query`` applied (None when the user
    may not see the list): the page's scoping, filters and search, nothing else."""
    config = registered()[slug]
    if not config.can_view(user):
        return None
    queryset = config.visible(user)
    if config.filterset_class is not None:
        data = QueryDict(mutable=True)
        data.update({k: str(v) for k, v in query.items() if k != "q"})
        filterset_class = _narrowed(cast(Hashable, config.filterset_class), frozenset(data))
        filterset = filterset_class(data, queryset=queryset, request=SimpleNamespace(user=user, GET=data))
        if not filterset.is_valid():
            raise ValueError(f"{slug}: {filterset.errors.as_json()}")
        queryset = filterset.qs
    if query.get("q"):
        queryset = config.search(queryset, str(query["q"]))
    return queryset


@functools.cache
def _narrowed(filterset_class: Any, names: frozenset[str]) -> Any:
    """``filterset_class`` with only the filters ``names``. A figure sets a few of a list's
    filters, and a filterset copies every one of its filters and builds each one's form
    field (1–3 ms a list, 40 ms of the leader view); a filter left unset leaves the rows
    as they are, so the narrowed filterset selects the same rows."""
    narrowed: Any = type(filterset_class.__name__, (filterset_class,), {"__module__": filterset_class.__module__})
    narrowed.base_filters = {name: f for name, f in filterset_class.base_filters.items() if name in names}
    return narrowed


def list_count_url(slug: str, query: dict[str, object]) -> str:
    """The URL of the list ``slug`` with ``query`` applied."""
    config = registered()[slug]
    return f"{config.list_url}?{urlencode(query)}" if query else config.list_url


def list_count(slug: str, user: Any, **query: object) -> Count:
    """How many rows the list ``slug`` shows ``user`` with ``query`` applied, and its URL."""
    config = registered()[slug]
    queryset = list_queryset(slug, user, **query)
    if queryset is None:
        return Count(config.verbose_name_plural, None, "")
    return Count(config.verbose_name_plural, queryset.count(), list_count_url(slug, query))


def _grouping_field(slug: str, name: str) -> str:
    """The model field the list's filter ``name`` compares for equality; only such a filter
    (no method, lookup ``exact``) may be grouped, so a group is exactly what the filtered
    list shows."""
    filterset_class = registered()[slug].filterset_class
    found = filterset_class.base_filters.get(name) if filterset_class is not None else None
    if found is None or found.method is not None or found.lookup_expr != "exact" or found.exclude:
        raise ValueError(f"{slug}: the filter {name!r} cannot be grouped (it is no plain equality)")
    return str(found.field_name)


#: The value a filter with a ``null_label`` takes for "not set" (django-filter's default):
#: it chooses the groups whose value is None.
NULL_CHOICE = "null"


@dataclass
class Grouped:
    """The counts of a list split by some of its filters, from one ``GROUP BY`` query:
    :meth:`count` adds up the groups that a choice of those filters selects, which is the
    count of the list with those filters set (the figure links to that list)."""

    slug: str
    by: tuple[str, ...]
    query: dict[str, object]
    rows: dict[tuple[Any, ...], int] | None  # None: the user may not see the list
    #: The rows as the query grouped them: a related row's field still as the foreign key
    #: (``organization_kind`` as ``organization_id``), the count last.
    raw: list[tuple[Any, ...]] = field(default_factory=list)
    sums: dict[tuple[int, ...], dict[tuple[Any, ...], int]] = field(default_factory=dict, repr=False, compare=False)

    def keys(self, name: str) -> dict[Any, int]:
        """The counts per grouped key of the filter ``name``: for a filter on a related
        row's field, per foreign key (``organization_kind`` → per organisation id)."""
        position = self.by.index(name)
        found: dict[Any, int] = {}
        for row in self.raw:
            found[row[position]] = found.get(row[position], 0) + row[-1]
        return found

    def count(self, **chosen: object) -> Count:
        label = registered()[self.slug].verbose_name_plural
        if self.rows is None:
            return Count(label, None, "")
        unknown = set(chosen) - set(self.by)
        if unknown:
            raise ValueError(f"{self.slug}: not grouped by {sorted(unknown)}")
        positions = tuple(i for i, name in enumerate(self.by) if name in chosen)
        wanted = tuple(None if chosen[self.by[i]] == NULL_CHOICE else chosen[self.by[i]] for i in positions)
        total = self._sums(positions).get(wanted, 0)
        return Count(label, total, list_count_url(self.slug, {**self.query, **chosen}))

    def _sums(self, positions: tuple[int, ...]) -> dict[tuple[Any, ...], int]:
        """The counts added up per value of the grouped keys at ``positions``, once per
        choice of positions (the leader view's matrix asks for a cell sixty times)."""
        if positions not in self.sums:
            sums: dict[tuple[Any, ...], int] = {}
            for key, n in (self.rows or {}).items():
                projected = tuple(key[i] for i in positions)
                sums[projected] = sums.get(projected, 0) + n
            self.sums[positions] = sums
        return self.sums[positions]


def grouped_counts(slug: str, user: Any, by: tuple[str, ...], **query: object) -> Grouped:
    """The list ``slug`` as ``user`` sees it with ``query`` applied, counted per value of
    the filters ``by`` in one query (see :class:`Grouped`).

    A filter on a field of a related row (``organization__kind``) is grouped by the
    foreign key itself and the few keys found are then mapped to that field in a second,
    small query: the count then reads only the counted table (an index holding the key
    answers it), not a join."""
    config = registered()[slug]
    columns: list[str] = []
    through: dict[int, tuple[Any, str]] = {}  # position → (related model, its field)
    for position, name in enumerate(by):
        path = _grouping_field(slug, name)
        head, _sep, rest = path.partition("__")
        field = config.model._meta.get_field(head)
        if rest and "__" not in rest and isinstance(field, models.ForeignKey):
            columns.append(field.attname)
            through[position] = (field.related_model, rest)
        else:
            columns.append(path)
    queryset = list_queryset(slug, user, **query)
    if queryset is None:
        return Grouped(slug, by, dict(query), None)
    grouped = list(queryset.order_by().values(*columns).annotate(_n=models.Count("*")).values_list(*columns, "_n"))
    maps = {
        position: dict(
            model._base_manager.filter(pk__in={row[position] for row in grouped} - {None}).values_list("pk", name)
        )
        for position, (model, name) in through.items()
    }
    rows: dict[tuple[Any, ...], int] = {}
    for row in grouped:
        key = tuple(maps[i].get(value) if i in maps else value for i, value in enumerate(row[:-1]))
        rows[key] = rows.get(key, 0) + row[-1]
    return Grouped(slug, by, dict(query), rows, grouped)


@dataclass
class Progress:
    """How far a target is: its current count, percent of the target, percent of the time
    elapsed, and the on-track/behind mark the leader view shows."""

    current: int
    percent: int
    elapsed: int
    mark: str
    url: str
    behind: bool = False


def target_progress(current: int, number: int, elapsed_share: float, url: str = "") -> Progress:
    """The mark of a target: done once reached, behind while the share reached is below
    the share of the time elapsed, on track otherwise (one rule for every target)."""
    from django.utils.translation import gettext as _

    percent = round(current * 100 / number) if number else 100
    elapsed = round(elapsed_share * 100)
    behind = current < number and percent < elapsed
    if current >= number:
        mark = _("已完成")
    elif behind:
        mark = _("进度滞后")
    else:
        mark = _("进度正常")
    return Progress(current, percent, elapsed, str(mark), url, behind)


def named(label: StrOrPromise, figure: Figure) -> Figure:
    """``figure`` under another label (a list's count shown as what it means here)."""
    return Figure(label, figure.value, figure.url)


@dataclass(frozen=True)
class Period:
    year: int

    @property
    def start(self) -> date:
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        return date(self.year, 12, 31)

    def __str__(self) -> str:
        return f"{self.year}年"


class ItemScope(Protocol):
    """What a document data item is computed for: a user's view of a year, for the whole
    city (``organization`` None) or for one institution with its branches."""

    user: Any
    period: Period
    organization: Organization | None


LeaderBlockProvider: TypeAlias = Callable[[Any, Period], "Block | None"]
ItemFunction: TypeAlias = Callable[[ItemScope], object]


@dataclass(frozen=True)
class DataItem:
    """A named number or phrase a document template can cite as ``{{name}}``."""

    name: str
    label: str
    compute: ItemFunction


_leader_blocks: list[tuple[int, LeaderBlockProvider]] = []
_data_items: dict[str, DataItem] = {}


def leader_block_provider(order: int) -> Callable[[LeaderBlockProvider], LeaderBlockProvider]:
    """Register ``func(user, period) -> Block | None`` as a block of the leader view, placed
    by ``order`` after the registry's own blocks (None: nothing to show this user)."""

    def register(func: LeaderBlockProvider) -> LeaderBlockProvider:
        _leader_blocks.append((order, func))
        _leader_blocks.sort(key=lambda pair: pair[0])
        return func

    return register


def leader_blocks(user: Any, period: Period) -> list[Block]:
    blocks = (provider(user, period) for _, provider in _leader_blocks)
    return [block for block in blocks if block is not None]


def data_item(name: str, label: str) -> Callable[[ItemFunction], ItemFunction]:
    """Register ``func(scope)`` as the document data item ``{{name}}``; it returns None
    when the platform cannot give the figure for that scope (shown as missing, not 0)."""

    def register(func: ItemFunction) -> ItemFunction:
        if name in _data_items and _data_items[name].compute is not func:
            raise ValueError(f"data item {name!r} is declared twice")
        _data_items[name] = DataItem(name, label, func)
        return func

    return register


def data_items() -> dict[str, DataItem]:
    return dict(_data_items)
