"""Issue 23 (1): each role's menu lists what the role works with, grouped by task, with
counts where something waits; never a placeholder page, never an entry it may not open."""

import re

import pytest

from rencai.core.menus import menu_for
from rencai.core.objects import ObjectConfig
from rencai.core.todos import todos_for

#: The menu of each role, by entry key (a declared object's slug or a page's key).
EXPECTED = {
    "talent": {
        "portal", "messages", "talents", "honours", "change-requests", "training-classes", "enrollments", "videos",
        "service-duties", "service-requests", "campaigns", "applications",
    },
    "reviewer": {"home", "messages", "reviews", "score-sheets"},
    "sysadmin": {"home", "messages", "organizations", "users", "role-changes", "api-docs"},
    "secadmin": {"home", "messages", "users", "role-changes", "lockouts"},
    "auditor": {"home", "messages", "audit", "audit-verify"},
}  # fmt: skip
NEVER_FOR_TALENTS = {"dictionary", "pool-batches", "organizations", "departments", "users", "api-docs"}
NEVER_FOR_EXPERTS = {"visits", "service-requests", "talents", "dictionary", "organizations", "users"}


def keys(user) -> list[str]:
    return [e.key for g in menu_for(user, todos_for(user)) for e in g.entries]


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_menu_of_role(users, role, client_for):
    user = users[role]
    got = keys(user)
    assert len(got) == len(set(got))
    assert set(got) == EXPECTED[role]
    page = client_for(role).get("/").content.decode()
    assert set(re.findall(r'data-nav="([^"]+)"', page)) == EXPECTED[role]


def test_what_talents_and_experts_never_see(users):
    assert not NEVER_FOR_TALENTS & set(keys(users["talent"]))
    assert not NEVER_FOR_EXPERTS & set(keys(users["reviewer"]))


def test_business_menus_open_and_hold_no_placeholder(users, client_for):
    for role in ("office", "leader", "liaison", "reviewer", "talent"):
        client = client_for(role)
        page = client.get("/").content.decode()
        assert "/m/" not in page and "业务模块" not in page
        for group in menu_for(users[role], todos_for(users[role])):
            for entry in group.entries:
                response = client.get(entry.url)
                assert response.status_code == 200, (role, entry.url, response.status_code)


def test_office_menu_is_grouped_with_setup_apart(users):
    groups = {g.heading: [e.key for e in g.entries] for g in menu_for(users["office"], [])}
    assert "dictionary" in groups["基础设置"] and "hours-rules" in groups["基础设置"]
    assert "dictionary" not in groups["人才信息库"]
    assert "api-docs" in groups["帮助"]
    leader = {e.key for g in menu_for(users["leader"], []) for e in g.entries}
    assert "leader" in leader and not {"dictionary", "users", "departments", "draws"} & leader


def test_talent_headings_are_their_own(users):
    headings = [g.heading for g in menu_for(users["talent"], [])]
    assert headings == ["", "我的档案", "我的培训", "我的服务", "我的评审"]


def test_counts_come_from_the_todos(users, office_org, client_for):
    # The office and the branch have no credit code: a to-do that opens the organisations' list.
    todos = todos_for(users["office"])
    missing = next(t for t in todos if "统一社会信用代码" in t.title)
    assert missing.count == 2
    counts = {e.key: e.count for g in menu_for(users["office"], todos) for e in g.entries}
    assert counts["organizations"] == 2
    assert counts["home"] == sum(t.count for t in todos)
    page = client_for("office").get("/").content.decode()
    assert re.search(r'data-nav="organizations"><span>机构</span><span class="[^"]*nav-count">2<', page)


def test_an_object_without_nav_roles_reaches_office_leaders_and_liaisons_only(users):
    """An app landing later (say ``assessment``) declares ``nav_section`` and, only where
    talents or experts work with it, ``nav_roles``."""
    from rencai.orgs.models import Organization

    class Later(ObjectConfig):
        model = Organization
        slug = "organizations"
        nav_section = "assessment"

    later = Later()
    assert {r for r, u in users.items() if later.in_menu_of(u)} == {"office", "leader", "liaison", "other_liaison"}
