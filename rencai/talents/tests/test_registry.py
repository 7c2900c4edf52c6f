"""The registry: validation of people, who edits what, change requests, career history,
search and filters, in pages and through the API."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from rencai.conftest import valid_id_number
from rencai.core.models import AuditEntry
from rencai.talents.models import (
    CareerEntry,
    ChangeRequest,
    ChangeState,
    DictionaryEntry,
    Honour,
    PoolMembership,
    Talent,
    TalentPool,
    TalentQualification,
)


def talent_form(organization, dicts, **overrides) -> dict:
    data = {
        "name": "李明",
        "gender": "",
        "id_number": valid_id_number("19900505", 11),
        "birth_date": "",
        "ethnicity": "汉族",
        "political_status": "cpc",
        "organization": organization.pk,
        "position": "客户经理",
        "category": dicts["JR"].pk,
        "tier": "",
        "level": "",
        "is_active": "on",
    }
    data.update(overrides)
    return data


# --- bad input: a clear Chinese error, nothing written ---------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"id_number": "370102199005050112"}, "id_number", "校验位"),
        ({"birth_date": "1990-05-06"}, "birth_date", "出生日期与身份证号码不符"),
        ({"gender": "F"}, "gender", "性别与身份证号码不符"),
        ({"category": "999999"}, "category", ""),
    ],
)
def test_bad_talent_input_is_refused_in_chinese(client_for, bank, dicts, overrides, field, message):
    response = client_for("office").post("/o/talents/new/", talent_form(bank, dicts, **overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert not Talent.objects.exists()


def test_id_fills_birth_date_and_gender(client_for, bank, dicts):
    response = client_for("office").post("/o/talents/new/", talent_form(bank, dicts))
    assert response.status_code == 302
    talent = Talent.objects.get()
    assert (talent.birth_date, talent.gender) == (date(1990, 5, 5), "M")
    assert talent.name_pinyin == "liming" and talent.name_initials == "lm"


def test_duplicate_id_number_is_refused_in_form_and_api(client_for, bank, other_bank, dicts, make_talent):
    existing = make_talent("王芳", other_bank)
    form = talent_form(bank, dicts, id_number=existing.id_number.lower())
    response = client_for("office").post("/o/talents/new/", form)
    assert "该身份证号码已登记" in response.content.decode()
    body = {"name": "王芳", "id_number": existing.id_number, "organization": bank.pk, "category": dicts["JR"].pk}
    api = client_for("office").post("/api/talents/", body, content_type="application/json")
    assert api.status_code == 400 and "该身份证号码已登记" in api.content.decode()
    assert Talent.objects.count() == 1


def test_unknown_or_disabled_dictionary_value_is_refused(client_for, bank, dicts):
    disabled = DictionaryEntry.objects.create(kind="category", code="OLD", name="停用类别", enabled=False)
    client = client_for("office")
    for value in (dicts["LJ"].pk, disabled.pk, 999999):  # a tier is not a category
        body = {"name": "李明", "id_number": valid_id_number("19900505", 11), "organization": bank.pk}
        response = client.post("/api/talents/", {**body, "category": value}, content_type="application/json")
        assert response.status_code == 400, value
        assert "category" in response.json()
    assert not Talent.objects.exists()


def test_liaison_cannot_create_a_talent_elsewhere_even_by_forging_the_api_body(client_for, other_bank, dicts):
    client = client_for("liaison")
    body = {"name": "伪造", "id_number": valid_id_number(), "organization": other_bank.pk, "category": dicts["JR"].pk}
    response = client.post("/api/talents/", body, content_type="application/json")
    assert response.status_code == 400 and "organization" in response.json()
    form = client.post("/o/talents/new/", talent_form(other_bank, dicts, name="伪造"))
    assert "organization" in form.context["form"].errors
    assert not Talent.objects.exists()


# --- who edits what ---------------------------------------------------------------------


def test_liaison_key_field_change_becomes_a_change_request_that_the_office_approves(
    users, client_for, bank, dicts, make_talent
):
    talent = make_talent("赵敏", bank, tier=dicts["YC"])
    liaison = client_for("liaison")
    form = liaison.get(f"/o/talents/{talent.pk}/edit/").context["form"]
    data = {k: v for k, v in form.initial.items() if k in form.fields and v is not None}
    data.update({"tier": dicts["LJ"].pk, "position": "支行行长", "_version": talent.version, "is_active": "on"})
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}
    response = liaison.post(f"/o/talents/{talent.pk}/edit/", data, follow=True)
    assert "已提交办公室审核" in response.content.decode()
    talent.refresh_from_db()
    assert talent.position == "支行行长" and talent.tier == dicts["YC"]
    request = ChangeRequest.objects.get(talent=talent)
    assert request.state == ChangeState.PENDING and request.proposed["tier"] == [dicts["YC"].pk, dicts["LJ"].pk]
    assert "领军人才" in request.summary()

    assert liaison.post(f"/o/change-requests/{request.pk}/do/approve/").status_code == 403
    office = client_for("office")
    response = office.post(f"/o/change-requests/{request.pk}/do/approve/", {"decision_comment": "同意"})
    assert response.status_code == 302
    talent.refresh_from_db()
    request.refresh_from_db()
    assert talent.tier == dicts["LJ"] and request.state == ChangeState.APPROVED and request.approved_at
    change = AuditEntry.objects.filter(object_type="talents.talent", object_id=str(talent.pk), action="update").first()
    assert change.changes["tier_id"] == [dicts["YC"].pk, dicts["LJ"].pk] and change.username == "office"
    page = office.get(f"/o/talents/{talent.pk}/").content.decode()
    assert "英才 → 领军人才" in page  # the change history names dictionary values
    assert office.post(f"/o/change-requests/{request.pk}/do/approve/").status_code == 403  # only once


def test_returned_change_request_leaves_the_talent_unchanged(users, client_for, bank, dicts, make_talent):
    talent = make_talent("赵敏", bank)
    request = ChangeRequest(talent=talent, requested_by=users["liaison"])
    request.set_proposed({"name": ["赵敏", "赵明"]})
    request.save()
    office = client_for("office")
    assert "decision_comment" in office.post(f"/o/change-requests/{request.pk}/do/return/", {}).context["form"].errors
    office.post(f"/o/change-requests/{request.pk}/do/return/", {"decision_comment": "请附更名证明"})
    request.refresh_from_db()
    talent.refresh_from_db()
    assert request.state == ChangeState.RETURNED and talent.name == "赵敏"


def test_id_number_proposal_is_stored_encrypted_and_shown_masked(users, client_for, bank, dicts, make_talent):
    talent = make_talent("赵敏", bank)
    new_id = valid_id_number("19880707", 3)
    request = ChangeRequest(talent=talent, requested_by=users["liaison"])
    request.set_proposed({"id_number": [talent.id_number, new_id]})
    request.save()
    with connection.cursor() as cursor:
        cursor.execute("SELECT payload FROM talents_changerequest WHERE id = %s", [request.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith(("international.", "guomi.")) and new_id not in stored  # names its suite and key
    page = client_for("office").get(f"/o/change-requests/{request.pk}/").content.decode()
    assert new_id not in page and new_id[-4:] in page


def test_talent_edits_own_profile_and_nobody_else(users, client_for, bank_branch, dicts, make_talent):
    me = make_talent("张志强", bank_branch, user=users["talent"])
    other = make_talent("李四", bank_branch)
    client = client_for("talent")
    listing = client.get("/o/talents/").content.decode()
    assert "张志强" in listing and "李四" not in listing
    assert client.get(f"/o/talents/{other.pk}/").status_code == 404
    form = client.get(f"/o/talents/{me.pk}/edit/").context["form"]
    assert "organization" not in form.fields and "user" not in form.fields
    data = {k: v for k, v in form.initial.items() if k in form.fields and v is not None}
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}
    data.update({"mobile": "13812345678", "name": "张智强", "_version": me.version})
    client.post(f"/o/talents/{me.pk}/edit/", data)
    me.refresh_from_db()
    assert me.mobile == "13812345678" and me.name == "张志强"
    assert ChangeRequest.objects.get(talent=me).proposed == {"name": ["张志强", "张智强"]}
    assert client.get(f"/o/talents/{other.pk}/edit/").status_code == 404


def test_stale_edit_is_refused(client_for, bank, dicts, make_talent):
    talent = make_talent("赵敏", bank)
    client = client_for("office")
    response = client.patch(
        f"/api/talents/{talent.pk}/", {"position": "甲", "version": talent.version}, content_type="application/json"
    )
    assert response.status_code == 200
    stale = client.patch(
        f"/api/talents/{talent.pk}/", {"position": "乙", "version": talent.version}, content_type="application/json"
    )
    assert stale.status_code == 409 and "已被他人修改" in stale.content.decode()
    talent.refresh_from_db()
    assert talent.position == "甲"


def test_moving_institution_keeps_career_history(client_for, bank, other_bank, dicts, make_talent):
    talent = make_talent("赵敏", bank, position="客户经理")
    assert talent.career.get().organization == bank
    talent.organization = other_bank
    talent.position = "部门经理"
    talent.save()
    history = list(CareerEntry.objects.filter(talent=talent).order_by("id"))
    assert [(e.organization, e.position) for e in history] == [(bank, "客户经理"), (other_bank, "部门经理")]
    assert history[0].end == timezone.localdate() and history[1].end is None


# --- search and filters -------------------------------------------------------------------


@pytest.fixture
def registry(users, bank, bank_branch, other_bank, dicts, make_talent):
    zhang = make_talent("张志强", bank_branch, born="19700101", tier=dicts["LJ"], mobile="13912345678")
    TalentQualification.objects.create(talent=zhang, qualification=dicts["CFA"])
    Honour.objects.create(talent=zhang, name="最美青年金融工作者", awarded_on=date(2024, 5, 4))
    young = make_talent("张伟", bank, born="20000101")
    far = make_talent("李强", other_bank, category=dicts["ZJ"])
    pool = TalentPool.objects.create(name="专家智库", kind="think_tank")
    PoolMembership.objects.create(pool=pool, talent=far, joined_on=date(2025, 1, 1))
    return {"zhang": zhang, "young": young, "far": far, "pool": pool}


def names(client, **query) -> set[str]:
    response = client.get("/o/talents/", query)
    return {obj.name for obj, _cells in response.context["rows"]}


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("zzq", {"张志强"}),
        ("ZZQ", {"张志强"}),
        ("zhangzhi", {"张志强"}),
        ("zhang", {"张志强", "张伟"}),
        ("張志", {"张志强"}),
        ("张", {"张志强", "张伟"}),
        ("ｚｚｑ", {"张志强"}),
        ("13912345678", {"张志强"}),
        ("+86 139 1234 5678", {"张志强"}),
        ("志强", set()),
    ],
)
def test_one_search_box(client_for, registry, text, found):
    assert names(client_for("office"), q=text) == found


def test_search_by_exact_id_number_through_the_blind_index(client_for, registry):
    number = registry["zhang"].id_number
    client = client_for("office")
    assert names(client, q=number.lower()) == {"张志强"}
    assert names(client, q=number[:-1] + ("0" if number[-1] != "0" else "1")) == set()


def test_filters(client_for, registry, bank, dicts):
    client = client_for("office")
    assert names(client, within=bank.pk) == {"张志强", "张伟"}  # the branch's talent included
    assert names(client, tier=dicts["LJ"].pk) == {"张志强"}
    assert names(client, category=dicts["ZJ"].pk) == {"李强"}
    assert names(client, qualification=dicts["CFA"].pk) == {"张志强"}
    assert names(client, honour="最美青年") == {"张志强"}
    assert names(client, pool=registry["pool"].pk) == {"李强"}
    assert names(client, age="-35") == {"张伟"}
    assert names(client, age="56-") == {"张志强"}


def test_liaison_search_stays_within_their_institution(client_for, registry):
    client = client_for("liaison")
    assert names(client, q="l") == set()
    assert names(client) == {"张志强", "张伟"}
    assert client.get("/api/talents/", {"search": "李"}).json()["count"] == 0


def test_profile_shows_qualifications_honours_pools_and_masks_personal_data(client_for, registry):
    zhang = registry["zhang"]
    page = client_for("leader").get(f"/o/talents/{zhang.pk}/").content.decode()
    for text in ("特许金融分析师（CFA）", "最美青年金融工作者", "工作经历", "139****5678"):
        assert text in page
    assert zhang.id_number not in page and "13912345678" not in page


def test_api_masks_personal_data_and_scopes(client_for, registry):
    data = client_for("liaison").get("/api/talents/").json()
    assert {row["name"] for row in data["results"]} == {"张志强", "张伟"}
    zhang = next(row for row in data["results"] if row["name"] == "张志强")
    assert zhang["mobile"] == "139****5678" and "*" in zhang["id_number"]


def test_every_registry_object_is_in_the_openapi_schema(client_for):
    paths = client_for("office").get("/api/schema/", {"format": "json"}).json()["paths"]
    for slug in (
        "talents",
        "dictionary",
        "talent-qualifications",
        "career-entries",
        "honours",
        "change-requests",
        "pools",
        "pool-batches",
        "pool-memberships",
        "service-rules",
        "service-duties",
        "visits",
        "service-requests",
    ):
        assert f"/api/{slug}/" in paths, slug


# --- dictionaries ------------------------------------------------------------------------


def test_dictionary_editor_saves_one_screen_and_refuses_stale_rows(client_for, dicts):
    client = client_for("office")
    page = client.get("/talents/dictionary/tier/")
    formset = page.context["formset"]
    rows = list(formset)
    data = {
        "d-TOTAL_FORMS": str(len(rows)),
        "d-INITIAL_FORMS": str(formset.initial_form_count()),
        "d-MIN_NUM_FORMS": "0",
        "d-MAX_NUM_FORMS": "1000",
    }
    for i, form in enumerate(rows):
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if name == "enabled":
                if value:
                    data[f"d-{i}-{name}"] = "on"
            elif value is not None:
                data[f"d-{i}-{name}"] = value
    new = len(rows) - 3
    unchanged_extra_rows = dict(data)
    data.update(
        {
            f"d-{new}-code": "GD",
            f"d-{new}-name": "高端人才",
            f"d-{new}-order": "2",
            f"d-{new}-managing_department": "经信局、国资委",
            f"d-{new}-enabled": "on",
        }
    )
    data["d-0-name"] = "领军人才（国家级）"
    data["d-0-synonyms"] = "国家级领军、领军"
    assert client.post("/talents/dictionary/tier/", data).status_code == 302
    assert DictionaryEntry.objects.get(kind="tier", name="领军人才（国家级）").synonyms == "国家级领军、领军"
    assert 'value="国家级领军、领军"' in client.get("/talents/dictionary/tier/").content.decode()
    assert DictionaryEntry.objects.get(kind="tier", code="GD").managing_department == "经信局、国资委"
    assert DictionaryEntry.objects.filter(kind="tier", name="领军人才（国家级）").exists()
    unchanged_extra_rows["d-0-name"] = "再改一次"  # row 0 as loaded before the first save
    stale = client.post("/talents/dictionary/tier/", unchanged_extra_rows)
    assert stale.status_code == 409 and "已被他人修改" in stale.content.decode()
    assert client_for("liaison").get("/talents/dictionary/tier/").status_code == 403


def test_dictionary_codes_are_unique_per_kind(client_for, dicts):
    response = client_for("office").post(
        "/api/dictionary/", {"kind": "tier", "code": "LJ", "name": "重复"}, content_type="application/json"
    )
    assert response.status_code == 400 and "代码不能重复" in response.content.decode()


def test_age_band_boundaries(make_talent, bank, dicts):
    from rencai.talents.filters import birth_dates_for_age

    today = timezone.localdate()
    exactly_35 = today.replace(year=today.year - 35) if not (today.month == 2 and today.day == 29) else today
    just_36 = exactly_35 - timedelta(days=365)
    band = Talent.objects.filter(birth_dates_for_age(None, 35, today))
    a = make_talent("甲", bank, born=exactly_35.strftime("%Y%m%d"))
    b = make_talent("乙", bank, born=just_36.strftime("%Y%m%d"))
    assert a in band and b not in band and a.age() == 35


def test_workflow_transitions_through_the_api(users, client_for, bank, dicts, make_talent):
    talent = make_talent("赵敏", bank)
    request = ChangeRequest(talent=talent, requested_by=users["liaison"])
    request.set_proposed({"name": ["赵敏", "赵明"]})
    request.save()
    url = f"/api/change-requests/{request.pk}/do/"
    assert client_for("liaison").post(f"{url}approve/").status_code == 403
    assert client_for("office").post(f"{url}return/", {}, content_type="application/json").status_code == 400
    assert client_for("office").post(f"{url}nonsense/").status_code == 404
    response = client_for("office").post(
        f"{url}approve/", {"decision_comment": "同意"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["object"]["state"] == "approved"
    talent.refresh_from_db()
    assert talent.name == "赵明"


def test_existing_free_text_honours_are_linked_to_their_campaign_and_number(db, make_talent, bank):
    """The data migration: the campaign and 文号 kept as free text move into their fields."""
    from importlib import import_module

    from django.apps import apps

    from rencai.selections.models import Campaign
    from rencai.talents.models import Honour

    link = import_module("rencai.talents.migrations.0006_honour_link_existing").link
    campaign = Campaign.objects.create(
        name="业务标兵",
        kind="individual",
        year=2024,
        opens_on=date(2024, 3, 1),
        closes_on=date(2024, 3, 31),
        quota_total=5,
        results_number="济金发〔2024〕9号",
    )
    talent = make_talent("荣誉人", bank)

    def honour(reference: str) -> Honour:
        return Honour.objects.create(
            talent=talent, name="称号", awarded_on=date(2024, 6, 1), source_reference=reference
        )

    named = honour("2024年业务标兵（济金发〔2024〕12号）")
    bare = honour("2024年业务标兵")
    numbered = honour("省级表彰，文号：鲁金办字[2023]3号")
    unknown = honour("单位推荐")
    link(apps, None)
    for h in (named, bare, numbered, unknown):
        h.refresh_from_db()
    assert (named.campaign, named.document_number) == (campaign, "济金发〔2024〕12号")
    assert (bare.campaign, bare.document_number) == (campaign, "济金发〔2024〕9号")
    assert (numbered.campaign, numbered.document_number) == (None, "鲁金办字[2023]3号")
    assert (unknown.campaign, unknown.document_number) == (None, "")
