"""A talent's own page (我的主页): one card per part of their working life, each given by
the app that owns it through :func:`portal_card` in its ``providers.py``.

A card reads only through the declared objects' scoped lists (``config.visible(user)``),
so a talent's page shows exactly what their own lists show, and links to those lists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeAlias


@dataclass
class PortalItem:
    """One line of a card: a record with its state, linking to its detail page."""

    text: str
    url: str = ""
    note: str = ""
    #: A Bootstrap colour for the note (``warning`` for something waiting).
    level: str = "secondary"


@dataclass
class PortalCard:
    key: str
    title: str
    #: (label, value) pairs shown large at the top of the card.
    figures: list[tuple[str, str]] = field(default_factory=list)
    items: list[PortalItem] = field(default_factory=list)
    #: (label, URL) links under the card (the full list, a form to fill).
    links: list[tuple[str, str]] = field(default_factory=list)
    empty: str = ""


CardProvider: TypeAlias = Callable[[Any], list[PortalCard]]

_providers: list[tuple[int, CardProvider]] = []


def portal_card(order: int) -> Callable[[CardProvider], CardProvider]:
    """Register ``func(user) -> list[PortalCard]`` at ``order`` on the talent's page."""

    def decorator(func: CardProvider) -> CardProvider:
        _providers.append((order, func))
        return func

    return decorator


def cards_for(user: Any) -> list[PortalCard]:
    cards: list[PortalCard] = []
    for _order, provider in sorted(_providers, key=lambda pair: pair[0]):
        cards.extend(provider(user))
    return cards


def detail_url(slug: str, pk: int) -> str:
    from django.urls import reverse

    return reverse(f"objects:{slug}-detail", args=[pk])
