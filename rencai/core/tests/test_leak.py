"""Walks every route as a liaison of another institution and as a reviewer: nothing of a
foreign institution may be listed, shown, exported or changed.

Every URL pattern must be either a declared object's route (covered by the walk) or listed
below with the reason it holds no organisation's data; a new route that is neither fails
``test_every_route_is_covered``.
"""

import io

import openpyxl
import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from rencai.accounts.models import User
from rencai.core.objects import registered
from rencai.orgs.models import Department

#: Routes that show no organisation's business data, with the reason.
NON_OBJECT_ROUTES = {
    "core:home": "the user's own to-dos, each provider scoped",
    "core:planned": "a static page of a mechanism not built yet",
    "core:audit-list": "security auditor only (tested in accounts tests)",
    "core:audit-export": "security auditor only",
    "core:audit-verify": "security auditor only",
    "accounts:login": "log-in form",
    "accounts:logout": "log-out",
    "accounts:otp": "the user's own second factor",
    "accounts:password": "the user's own password",
    "accounts:password-done": "redirect",
    "set_language": "language switch",
    "api-schema": "the OpenAPI schema, no data",
    "api-docs": "Swagger UI, no data",
    "api-root": "list of API endpoints, no data",
    "objects:unmask": "walked below for every personal field",
}
OBJECT_ACTIONS = {"list", "export", "create", "detail", "edit", "delete"}
API_ACTIONS = {"list", "detail"}


def _route_names(resolver=None, prefix="") -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= _route_names(pattern, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


def test_every_route_is_covered():
    slugs = set(registered())
    covered = set(NON_OBJECT_ROUTES)
    covered |= {f"objects:{slug}-{action}" for slug in slugs for action in OBJECT_ACTIONS}
    covered |= {f"{slug}-{action}" for slug in slugs for action in API_ACTIONS}
    uncovered = _route_names() - covered
    assert not uncovered, f"routes not covered by the leak test: {sorted(uncovered)}"


@pytest.fixture
def foreign(users, other_bank):
    """One object of every declared type owned by the other bank, with a text that marks it."""
    department = Department.objects.create(organization=other_bank, name="乙行秘密部门")
    samples = {
        "organizations": (other_bank, "乙银行济南分行"),
        "departments": (department, "乙行秘密部门"),
        "users": (users["other_liaison"], "乙行联络员"),
    }
    missing = set(registered()) - set(samples)
    assert not missing, f"declare a foreign sample for {sorted(missing)} in the leak test"
    return samples


def _xlsx_text(content: bytes) -> str:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)


@pytest.mark.parametrize("who", ["liaison", "reviewer"])
def test_no_foreign_object_leaks(users, client_for, foreign, who):
    client = client_for(who)
    for slug in registered():
        obj, marker = foreign[slug]
        base = f"/o/{slug}/"
        for query in ({}, {"q": marker[:-1]}):
            response = client.get(base, query)
            assert response.status_code in (200, 403), (slug, response.status_code)
            assert marker not in response.content.decode(), f"{slug} list shows a foreign object to {who}"
        response = client.get(f"{base}export/")
        assert response.status_code in (200, 403)
        if response.status_code == 200:
            assert marker not in _xlsx_text(response.content), f"{slug} export leaks to {who}"
        for suffix in ("", "edit/", "delete/"):
            assert client.get(f"{base}{obj.pk}/{suffix}").status_code in (403, 404), (slug, suffix)
        before = type(obj).objects.get(pk=obj.pk).version
        assert client.post(f"{base}{obj.pk}/edit/", {"name": "被改", "_version": before}).status_code in (403, 404)
        assert client.post(f"{base}{obj.pk}/delete/").status_code in (403, 404)
        for field in ("mobile", "id_number"):
            assert client.post(f"{base}{obj.pk}/unmask/{field}/").status_code in (403, 404)
        response = client.get(f"/api/{slug}/", {"search": marker[:-1]})
        assert response.status_code in (200, 403)
        assert marker not in response.content.decode(), f"{slug} API list leaks to {who}"
        api = f"/api/{slug}/{obj.pk}/"
        assert client.get(api).status_code in (403, 404)
        patch = client.patch(api, {"name": "被改", "version": before}, content_type="application/json")
        assert patch.status_code in (403, 404)
        assert client.delete(api).status_code in (403, 404)
        after = type(obj).objects.get(pk=obj.pk)
        assert after.version == before and str(after) == str(obj), f"{slug} changed by {who}"


def test_outside_scope_answers_like_missing(users, client_for, other_bank):
    client = client_for("liaison")
    missing = client.get("/o/organizations/999999/")
    foreign = client.get(f"/o/organizations/{other_bank.pk}/")
    assert missing.status_code == foreign.status_code == 404
    api_missing = client.get("/api/organizations/999999/")
    api_foreign = client.get(f"/api/organizations/{other_bank.pk}/")
    assert api_missing.status_code == api_foreign.status_code == 404
    assert api_missing.json() == api_foreign.json() == {"detail": "未找到。"}


def test_liaison_sees_own_institution_and_branches(users, client_for, bank, bank_branch):
    data = client_for("liaison").get("/api/organizations/").json()
    assert {row["id"] for row in data["results"]} == {bank.pk, bank_branch.pk}
    assert User.objects.visible_to(users["liaison"]).filter(pk=users["talent"].pk).exists()


def test_talent_sees_only_themself(users, client_for):
    data = client_for("talent").get("/api/users/").json()
    assert [row["username"] for row in data["results"]] == ["talent"]
