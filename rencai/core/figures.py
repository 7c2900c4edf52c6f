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

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias
from urllib.parse import urlencode

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


def list_count(slug: str, user: Any, **query: object) -> Count:
    """How many rows the list ``slug`` shows ``user`` with ``query`` applied, and its URL."""
    config = registered()[slug]
    url = f"{config.list_url}?{urlencode(query)}" if query else config.list_url
    if not config.can_view(user):
        return Count(config.verbose_name_plural, None, "")
    queryset = config.visible(user)
    if config.filterset_class is not None:
        data = QueryDict(mutable=True)
        data.update({k: str(v) for k, v in query.items() if k != "q"})
        filterset = config.filterset_class(data, queryset=queryset, request=SimpleNamespace(user=user, GET=data))
        if not filterset.is_valid():
            raise ValueError(f"{slug}: {filterset.errors.as_json()}")
        queryset = filterset.qs
    if query.get("q"):
        queryset = config.search(queryset, str(query["q"]))
    return Count(config.verbose_name_plural, queryset.count(), url)


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
