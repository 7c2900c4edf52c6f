"""The generic API: input through the user's own form, refusals with their status and a
Chinese message, and every disclosure of personal data audited."""

import json

import pytest

from rencai.core.models import AuditAction, AuditEntry


def post_json(client, url, data, method="post"):
    return getattr(client, method)(url, json.dumps(data), content_type="application/json")


def test_unmasking_through_the_api_is_one_audit_entry_naming_the_records(users, client_for, make_talent, bank):
    talents = [make_talent(f"人才{n}", bank, mobile="13900139000") for n in range(3)]
    client = client_for("office")
    masked = client.get("/api/talents/").json()["results"]
    assert all("*" in row["id_number"] for row in masked)
    assert not AuditEntry.objects.filter(action=AuditAction.UNMASK).exists()

    rows = client.get("/api/talents/?unmask=1").json()["results"]
    assert {row["id_number"] for row in rows} == {t.id_number for t in talents}
    entry = AuditEntry.objects.get(action=AuditAction.UNMASK)
    assert sorted(entry.changes["ids"]) == sorted(t.pk for t in talents)
    assert set(entry.changes["fields"]) >= {"id_number", "mobile"}

    one = client.get(f"/api/talents/{talents[0].pk}/?unmask=1").json()
    assert one["id_number"] == talents[0].id_number
    assert AuditEntry.objects.filter(action=AuditAction.UNMASK).count() == 2


def test_a_liaison_asking_to_unmask_gets_masked_data_and_no_entry(users, client_for, make_talent, bank):
    make_talent("人才", bank)
    rows = client_for("liaison").get("/api/talents/?unmask=1").json()["results"]
    assert "*" in rows[0]["id_number"]
    assert not AuditEntry.objects.filter(action=AuditAction.UNMASK).exists()


@pytest.mark.parametrize("body", [[1, 2], "text", 12])
def test_a_body_that_is_not_an_object_is_a_400(users, client_for, body):
    response = post_json(client_for("office"), "/api/pools/", body)
    assert response.status_code == 400
    assert "JSON 对象" in response.json()["non_field_errors"][0]


def test_out_of_range_ids_and_filters_are_refused_not_crashed(users, client_for):
    client = client_for("office")
    assert client.get("/api/talents/99999999999999999999999/").status_code == 404
    assert client.get("/o/talents/99999999999999999999999/").status_code == 404
    response = client.get("/api/service-requests/?talent=99999999999999999999999")
    # SQLite cannot bind the number (a 400 in Chinese); PostgreSQL's lookup finds nothing.
    if response.status_code == 200:
        assert response.json()["count"] == 0
    else:
        assert response.status_code == 400 and "超出范围" in response.json()["detail"]
    page = client.get("/o/service-requests/?talent=99999999999999999999999")
    assert page.status_code in (200, 400)
    assert "服务诉求" in page.content.decode() or "输入有误" in page.content.decode()


def test_a_child_without_its_parent_is_a_field_error(users, client_for):
    client = client_for("office")
    for slug, parent in [("enrollments", "training_class"), ("attendances", "session"), ("objections", "application")]:
        response = post_json(client, f"/api/{slug}/", {})
        assert response.status_code == 400, (slug, response.content)
        assert parent in response.json(), (slug, response.json())


def test_a_field_of_another_roles_form_is_refused(users, client_for, make_talent, bank):
    talent = make_talent("人才", bank)
    response = post_json(
        client_for("liaison"), f"/api/talents/{talent.pk}/", {"user": users["talent"].pk, "version": 1}, method="patch"
    )
    assert response.status_code == 400
    assert response.json() == {"user": ["您的角色无权修改此字段。"]}


def test_the_schema_documents_every_refusal_and_the_imports(users, client_for):
    schema = client_for("office").get("/api/schema/?format=json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method in ("get", "post", "put", "patch", "delete"):
                assert {"400", "403", "404", "409"} <= set(operation["responses"]), (method, path)
    assert "/api/imports/" in schema["paths"]
    assert "multipart/form-data" in schema["paths"]["/api/imports/"]["post"]["requestBody"]["content"]


@pytest.mark.parametrize("value", ["7.952268205305627e-263", "0", "99999"])
def test_a_year_filter_takes_only_a_calendar_year(users, client_for, value):
    client = client_for("office")
    for slug in ("training-classes", "campaigns"):
        response = client.get(f"/api/{slug}/?year={value}")
        assert response.status_code == 400, (slug, value)
        assert "year" in response.json()
    assert client.get("/api/training-classes/?year=2026").status_code == 200
