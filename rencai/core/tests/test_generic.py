"""The generic object machinery, exercised through organisations and departments."""

import io

import openpyxl
from django.test import Client

from rencai.conftest import valid_credit_code
from rencai.core.models import AuditEntry
from rencai.orgs.models import Department, Organization


def test_list_filter_search_sort(users, client_for, bank, other_bank, bank_branch):
    office = client_for("office")
    table = office.get("/o/organizations/", {"kind": "bank", "sort": "-name"}).content.decode().split("object-table")[1]
    assert table.index("甲银行济南分行") < table.index("乙银行济南分行")
    assert "测试市金融工作办公室" not in table
    table = office.get("/o/organizations/", {"kind": "bank", "sort": "name"}).content.decode().split("object-table")[1]
    assert table.index("乙银行济南分行") < table.index("甲银行济南分行")
    table = office.get("/o/organizations/", {"q": "历下支行"}).content.decode().split("object-table")[1]
    assert "甲银行历下支行" in table and "乙银行济南分行" not in table
    table = office.get("/o/organizations/", {"within": bank.pk}).content.decode().split("object-table")[1]
    assert "甲银行历下支行" in table and "乙银行济南分行" not in table


def test_create_with_wrong_credit_code_is_refused_at_the_field(users, client_for):
    response = client_for("office").post(
        "/o/organizations/new/", {"name": "丙证券", "kind": "securities", "credit_code": "91350100M000100Y44"}
    )
    assert response.status_code == 200
    assert "统一社会信用代码校验位错误" in response.content.decode()
    assert not Organization.objects.filter(name="丙证券").exists()


def test_create_edit_and_history(users, client_for):
    office = client_for("office")
    response = office.post(
        "/o/organizations/new/", {"name": "丙证券", "kind": "securities", "credit_code": valid_credit_code(9)}
    )
    assert response.status_code == 302
    org = Organization.objects.get(name="丙证券")
    response = office.post(
        f"/o/organizations/{org.pk}/edit/",
        {"name": "丙证券", "short_name": "丙证", "kind": "securities", "_version": 1},
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.short_name == "丙证" and org.version == 2
    page = office.get(f"/o/organizations/{org.pk}/").content.decode()
    assert "丙证" in page and "修改" in page and "新增" in page


def test_stale_edit_is_refused_and_nothing_is_written(users, client_for, bank):
    office = client_for("office")
    form = {"name": bank.name, "kind": "bank", "credit_code": bank.credit_code}
    assert (
        office.post(f"/o/organizations/{bank.pk}/edit/", {**form, "short_name": "第一人", "_version": 1}).status_code
        == 302
    )
    response = office.post(f"/o/organizations/{bank.pk}/edit/", {**form, "short_name": "第二人", "_version": 1})
    assert response.status_code == 409
    assert "已被他人修改" in response.content.decode()
    bank.refresh_from_db()
    assert bank.short_name == "第一人" and bank.version == 2


def test_api_stale_edit_and_missing_version(users, client_for, bank):
    office = client_for("office")
    url = f"/api/organizations/{bank.pk}/"
    assert office.patch(url, {"short_name": "甲", "version": 1}, content_type="application/json").status_code == 200
    response = office.patch(url, {"short_name": "乙", "version": 1}, content_type="application/json")
    assert response.status_code == 409 and "已被他人修改" in response.json()["non_field_errors"][0]
    response = office.patch(url, {"short_name": "丙"}, content_type="application/json")
    assert response.status_code == 400 and "version" in response.json()
    bank.refresh_from_db()
    assert bank.short_name == "甲"


def test_forged_organization_id_in_api_body_is_refused(users, client_for, bank, other_bank):
    liaison = client_for("liaison")
    response = liaison.post(
        "/api/departments/", {"organization": other_bank.pk, "name": "人力资源部"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "organization" in response.json() and "不在可用的选项中" in response.json()["organization"][0]
    assert not Department.objects.filter(organization=other_bank).exists()
    response = liaison.post(
        "/api/departments/", {"organization": bank.pk, "name": "人力资源部"}, content_type="application/json"
    )
    assert response.status_code == 201 and response.json()["organization"] == bank.pk


def test_api_token_authentication(users, bank):
    from django.core.management import call_command

    call_command("drf_create_token", "office")
    from rest_framework.authtoken.models import Token

    token = Token.objects.get(user=users["office"]).key
    response = Client().get("/api/organizations/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200 and response.json()["count"] == Organization.objects.count()
    assert Client().get("/api/organizations/").status_code in (401, 403)


def test_api_errors_are_chinese_json(users, client_for):
    response = client_for("office").post(
        "/api/organizations/", {"name": "", "kind": "bank"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["name"] == ["该字段是必填项。"]


def test_export_neutralises_formulas_and_is_audited(users, client_for, bank):
    bank.short_name = '=HYPERLINK("http://evil")'
    bank.save()
    response = client_for("office").get("/o/organizations/export/", {"kind": "bank"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row}
    formula_cell = cells['=HYPERLINK("http://evil")']
    assert formula_cell.data_type == "s" and formula_cell.quotePrefix
    assert "甲银行济南分行" in cells
    entry = AuditEntry.objects.filter(action="export").latest("seq")
    assert entry.username == "office" and entry.changes["rows"] == 3


def test_export_masks_personal_data(users, client_for):
    response = client_for("office").get("/o/users/export/")
    values = [
        c.value for row in openpyxl.load_workbook(io.BytesIO(response.getvalue())).active.iter_rows() for c in row
    ]
    assert "138****8000" in values and "13800138000" not in values


def test_delete_protected_organization_explains(users, client_for, bank, bank_branch):
    response = client_for("office").post(f"/o/organizations/{bank.pk}/delete/")
    assert response.status_code == 302
    assert Organization.objects.filter(pk=bank.pk).exists()


def test_moving_an_organization_moves_its_branches(users, bank, bank_branch, other_bank):
    bank.parent = other_bank
    bank.save()
    bank_branch.refresh_from_db()
    assert bank_branch.path.startswith(other_bank.path)
    assert set(Organization.objects.visible_to(users["other_liaison"])) == {other_bank, bank, bank_branch}


def test_organization_cannot_become_its_own_branch(users, client_for, bank, bank_branch):
    response = client_for("office").post(
        f"/o/organizations/{bank.pk}/edit/",
        {"name": bank.name, "kind": "bank", "parent": bank_branch.pk, "_version": bank.version},
    )
    assert "上级机构不能是本机构或其下属机构" in response.content.decode()


def test_openapi_schema_and_swagger(users, client_for):
    office = client_for("office")
    schema = office.get("/api/schema/", {"format": "json"}).json()
    assert "/api/organizations/" in schema["paths"]
    page = office.get("/api/docs/").content.decode()
    assert "swagger-ui" in page and "cdn" not in page.lower()


def test_home_shows_todos_and_navigation(users, client_for, office_org):
    page = client_for("office").get("/").content.decode()
    assert "尚未填写统一社会信用代码" in page
    assert "人才信息库" in page and "统计报表" in page and "领导驾驶舱" in page


def test_language_switch_to_english(users, client_for):
    office = client_for("office")
    office.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = office.get("/o/organizations/").content.decode()
    assert "Export to Excel" in page


def test_yes_no_filter(users, client_for, bank, other_bank):
    other_bank.is_active = False
    other_bank.save()
    office = client_for("office")
    table = office.get("/o/organizations/", {"is_active": "false"}).content.decode().split("object-table")[1]
    assert "乙银行济南分行" in table and "甲银行济南分行" not in table
    page = office.get("/o/organizations/").content.decode()
    assert '<option value="" selected>全部</option>' in page


def test_api_refuses_fields_the_role_may_not_change(users, client_for, bank):
    url = f"/api/organizations/{bank.pk}/"
    response = client_for("liaison").patch(url, {"kind": "insurance", "version": 1}, content_type="application/json")
    assert response.status_code == 400 and response.json()["kind"] == ["您的角色无权修改此字段。"]
    response = client_for("liaison").patch(url, {"address": "泉城路1号", "version": 1}, content_type="application/json")
    assert response.status_code == 200
    bank.refresh_from_db()
    assert bank.kind == "bank" and bank.address == "泉城路1号"


def test_a_liaison_sees_its_tree_by_key_not_by_a_join(users, make_talent, bank, bank_branch, other_bank):
    """A liaison's scope is "the owner is one of the tree's organisations" (a subquery of
    the organisations), the same rows as a join on the tree path; the organisations
    themselves still by their path."""
    from rencai.core.models import within_tree
    from rencai.talents.models import Talent

    mine, branch, _foreign = (
        make_talent("甲一", bank),
        make_talent("甲二", bank_branch),
        make_talent("乙一", other_bank),
    )
    seen = Talent.objects.visible_to(users["liaison"])
    assert set(seen) == {mine, branch}
    assert "JOIN" not in str(seen.query) and "IN (SELECT" in str(seen.query)
    joined = Talent.objects.filter(organization__path__startswith=bank.path)
    assert set(seen) == set(joined) and "JOIN" in str(joined.query)
    assert set(Organization.objects.visible_to(users["liaison"])) == {bank, bank_branch}
    condition = within_tree(Organization, "path", bank.path)
    assert set(Organization.objects.filter(condition)) == {bank, bank_branch}
