"""The figures of the leader view and of generated documents.

A figure that counts a list is counted through that list's own declaration: the same
scoping (``visible``), the same filters and the same query string as the list page it
links to, so a figure and its list cannot disagree.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.http import QueryDict

from rencai.core.objects import registered

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass
class Figure:
    """A figure of the leader view: a count, or a percentage (training coverage)."""

    label: "StrOrPromise"
    value: int | Decimal | None
    url: str = ""


@dataclass
class Count(Figure):
    """A figure counted through a list: always a whole number (or none, when hidden)."""

    value: int | None


def list_count(slug: str, user, **query) -> Count:
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
