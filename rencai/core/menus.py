"""The menu of each role: what the role works with, grouped by task, with counts.

A menu is built from two kinds of entries:

* the list of every declared object whose ``nav_section`` is set and whose ``nav_roles``
  (see :class:`~rencai.core.objects.config.ObjectConfig`) name the user's role: an app
  that lands later appears in the menus by declaring these two on its objects;
* the pages of the platform shell and of apps that are not an object's list (the leader
  view, the message centre, the audit log …), registered with :func:`menu_page`.

Entries are grouped under the headings of ``settings.RENCAI_NAV_SECTIONS`` in its
order; :data:`ROLE_MENUS` declares, per role, where its headings or labels differ
(a talent's 我的档案 / 我的培训 …). A count beside an entry is the sum of the to-dos
(:mod:`rencai.core.todos`) that open that page, so the menu and the to-do list agree.
Placeholder pages of mechanisms not yet built are never in a menu.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from rencai.core.roles import ADMIN_ROLES, BUSINESS_ROLES, STAFF_AND_LIAISONS, Role, role_of

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from rencai.core.todos import Todo


@dataclass(frozen=True)
class MenuPage:
    """A menu entry that is not a declared object's list."""

    key: str
    label: StrOrPromise
    url_name: str
    roles: frozenset[str]
    #: A key of ``RENCAI_NAV_SECTIONS``; ``""`` puts the entry at the top of the menu.
    section: str = ""
    order: int = 100


@dataclass(frozen=True)
class RoleMenu:
    """What differs in one role's menu: headings of sections and labels of entries."""

    headings: Mapping[str, StrOrPromise] = field(default_factory=dict)
    labels: Mapping[str, StrOrPromise] = field(default_factory=dict)
    #: Sections this role's menu puts first, in this order (the rest follow in the
    #: order of ``RENCAI_NAV_SECTIONS``).
    first: tuple[str, ...] = ()


@dataclass(frozen=True)
class MenuEntry:
    key: str
    label: str
    url: str
    count: int = 0


@dataclass(frozen=True)
class MenuGroup:
    heading: str
    entries: list[MenuEntry]


_pages: dict[str, MenuPage] = {}


def menu_page(page: MenuPage) -> MenuPage:
    """Register a page in the menus of ``page.roles`` (an app calls this in providers.py)."""
    _pages[page.key] = page
    return page


ROLE_MENUS: dict[str, RoleMenu] = {
    Role.TALENT: RoleMenu(
        headings={
            "talents": _("我的档案"),
            "training": _("我的培训"),
            "services": _("我的服务"),
            "selections": _("我的评审"),
        },
        labels={
            "talents": _("我的基本信息"),
            "honours": _("我的荣誉"),
            "change-requests": _("我的变更申请"),
            "enrollments": _("我的报名"),
            "service-duties": _("为我提供的服务"),
            "service-requests": _("我的服务诉求"),
            "applications": _("我的申报"),
        },
        first=("talents", "training", "services", "selections"),
    ),
    Role.REVIEWER: RoleMenu(headings={"selections": _("评审工作")}, labels={"reviews": _("我参加的评审")}),
    Role.LIAISON: RoleMenu(headings={"orgs": _("本机构")}),
}

for _page in (
    MenuPage("home", _("我的待办"), "core:home", (BUSINESS_ROLES | ADMIN_ROLES) - {Role.TALENT}, order=0),
    MenuPage("portal", _("我的主页"), "core:portal", frozenset({Role.TALENT}), order=0),
    MenuPage("messages", _("消息中心"), "accounts:messages", BUSINESS_ROLES | ADMIN_ROLES, order=2),
    MenuPage("leader", _("领导驾驶舱"), "dashboards:leader", STAFF_AND_LIAISONS, order=3),
    MenuPage(
        "role-changes",
        _("角色变更确认"),
        "accounts:role-changes",
        frozenset({Role.SYSADMIN, Role.SECADMIN}),
        section="accounts",
    ),
    MenuPage("lockouts", _("登录锁定"), "accounts:lockouts", frozenset({Role.SECADMIN}), section="accounts"),
    MenuPage("audit", _("审计日志"), "core:audit-list", frozenset({Role.AUDITOR}), section="audit"),
    MenuPage("audit-verify", _("校验哈希链"), "core:audit-verify", frozenset({Role.AUDITOR}), section="audit"),
    MenuPage("api-docs", _("接口文档"), "api-docs", frozenset({Role.OFFICE, Role.SYSADMIN}), section="help"),
):
    menu_page(_page)


def _counts(todos: list[Todo]) -> dict[str, int]:
    """To-do counts by the path of the page they open."""
    counts: dict[str, int] = {}
    for todo in todos:
        path = urlsplit(todo.url).path
        counts[path] = counts.get(path, 0) + todo.count
    return counts


def menu_for(user: Any, todos: list[Todo] | None = None, counts: Mapping[str, int] | None = None) -> list[MenuGroup]:
    """The user's menu: groups in the order of ``RENCAI_NAV_SECTIONS`` (the top group, with
    no heading, first), each entry with the count of what waits for the user there (its
    to-dos, or ``counts`` by entry key: the unread messages)."""
    from rencai.core.objects import registered

    role = role_of(user)
    if role is None:
        return []
    own = ROLE_MENUS.get(role, RoleMenu())
    by_path = _counts(todos or [])
    by_key = counts or {}
    placed: dict[str, list[tuple[int, MenuEntry]]] = {}

    def place(section: str, order: int, key: str, label: StrOrPromise, url: str) -> None:
        label = own.labels.get(key, label)
        entry = MenuEntry(key, str(label), url, by_key.get(key, by_path.get(urlsplit(url).path, 0)))
        placed.setdefault(section, []).append((order, entry))

    for page in _pages.values():
        if role in page.roles:
            try:
                url = reverse(page.url_name)
            except NoReverseMatch:  # an app that is not installed
                continue
            place(page.section, page.order, page.key, page.label, url)
    for n, config in enumerate(registered().values()):
        if config.in_menu_of(user):
            place(config.nav_section, 100 + n, config.slug, config.verbose_name_plural, config.list_url)
    total = sum(t.count for t in todos or [])
    if "" in placed:
        placed[""] = [
            (o, MenuEntry(e.key, e.label, e.url, total) if e.key in ("home", "portal") else e) for o, e in placed[""]
        ]

    sections = list(own.first) + [k for k in settings.RENCAI_NAV_SECTIONS if k not in own.first]
    groups = []
    for key in sorted(placed, key=lambda k: -1 if k == "" else (sections.index(k) if k in sections else len(sections))):
        heading = own.headings.get(key, settings.RENCAI_NAV_SECTIONS.get(key, "")) if key else ""
        entries = [entry for _order, entry in sorted(placed[key], key=lambda pair: pair[0])]
        groups.append(MenuGroup(str(heading), entries))
    return groups
