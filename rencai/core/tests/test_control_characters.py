"""Issue 16, item 8: a NUL byte (or another control character) in a query parameter or a
form field never reaches the database (PostgreSQL refuses NUL in text and answered 500)."""

import pytest

from rencai.core.objects import registered


def _html_lists(user_role: str) -> list[str]:
    return [f"/o/{slug}/" for slug, config in registered().items() if user_role in config.policy.roles("view")]


def test_nul_in_search_of_every_html_list_is_not_a_server_error(users, client_for):
    client = client_for("office")
    pages = _html_lists("office")
    assert len(pages) > 10
    for page in pages:
        response = client.get(page, {"q": "张\x00三", "page": "1\x00"})
        assert response.status_code in (200, 400), (page, response.status_code)


@pytest.mark.parametrize("query", ["q=%00", "q=%01abc", "q=a%7F", "name=%00&q=x"])
def test_control_characters_are_stripped_from_query_parameters(users, client_for, query):
    response = client_for("office").get(f"/o/talents/?{query}")
    assert response.status_code == 200
    assert response.wsgi_request.GET.get("q", "").isprintable()


def test_control_characters_in_the_path_are_refused_in_chinese(users, client_for):
    response = client_for("office").get("/o/talents/%00/")
    assert response.status_code == 400
    assert "控制字符" in response.content.decode()
    api = client_for("office").get("/api/talents/%00/")
    assert api.status_code == 400 and "控制字符" in api.json()["detail"]


def test_control_characters_are_stripped_from_form_fields(users, client_for, bank):
    response = client_for("office").post(f"/o/organizations/{bank.pk}/edit/", {"name": "甲\x00银行"})
    assert response.status_code in (200, 302)
    assert response.status_code != 500


def test_nul_in_api_search_is_not_a_server_error(users, client_for):
    response = client_for("office").get("/api/talents/", {"search": "\x00"})
    assert response.status_code in (200, 400)
