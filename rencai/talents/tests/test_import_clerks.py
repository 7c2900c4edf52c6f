"""Issue 22: rosters as clerks really write them, each case on a real xlsx file — units by
their common names and aliases, dictionary synonyms and the national 职称 series, eight-digit
dates in number cells and dates as text, footer lines under the table."""

from datetime import date, datetime

import pytest
import xlsxwriter

from rencai.conftest import valid_credit_code, valid_id_number
from rencai.core.imports.pipeline import run_import
from rencai.core.imports.schema import context_for
from rencai.orgs.models import Organization
from rencai.orgs.names import name_key
from rencai.talents.defaults import load_defaults
from rencai.talents.imports import TalentSchema
from rencai.talents.models import DictionaryEntry, DictionaryKind, Talent

HEADERS = ["序号", "姓名", "身份证号码", "工作单位", "学历", "专业技术职称", "出生年月", "参加工作时间", "人才类别"]


def write_roster(path, rows, footer=()) -> str:
    """Title, header on row 2, the rows (numbers as number cells), then footer lines."""
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    sheet = workbook.add_worksheet("花名册")
    sheet.merge_range(0, 0, 0, len(HEADERS) - 1, "金融人才花名册")
    sheet.write_row(1, 0, HEADERS)
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    at = 2
    for at, row in enumerate(rows, start=2):
        for col, header in enumerate(HEADERS):
            value = row.get(header, "")
            if isinstance(value, date):
                sheet.write_datetime(at, col, datetime(value.year, value.month, value.day), day)
            elif isinstance(value, int | float):
                sheet.write_number(at, col, value)
            elif value:
                sheet.write_string(at, col, value)
    for offset, line in enumerate(footer, start=at + 1):
        sheet.write_row(offset, 0, line)
    workbook.close()
    return str(path)


def person(serial: int, unit: str = "甲银行济南分行", **changes) -> dict:
    row = {
        "序号": serial,
        "姓名": f"张{'一二三四五六七八九十'[serial % 10]}",
        "身份证号码": valid_id_number("19950723", serial),
        "工作单位": unit,
        "人才类别": "金融商务人才",
    }
    row.update(changes)
    return row


@pytest.fixture
def icbc(db):
    names = [
        "中国工商银行股份有限公司济南分行",
        "中国工商银行股份有限公司济南历下支行",
        "中国工商银行股份有限公司济南市中支行",
        "中国农业银行股份有限公司济南分行",
    ]
    return {
        name: Organization.objects.create(name=name, kind="bank", credit_code=valid_credit_code(20 + n))
        for n, name in enumerate(names)
    }


def office_run(users, path, commit=False):
    schema = TalentSchema()
    return run_import(schema, path, context_for(users["office"], None, schema), commit=commit)


def test_units_by_common_names_abbreviations_and_aliases(tmp_path, users, dicts, bank, icbc):
    branch = icbc["中国工商银行股份有限公司济南分行"]
    lixia = icbc["中国工商银行股份有限公司济南历下支行"]
    abc = icbc["中国农业银行股份有限公司济南分行"]
    bank.aliases = "甲行济南分行\n甲银行济南"
    bank.save()
    rows = [
        person(1, "中国工商银行济南分行"),
        person(3, "工行济南分行"),
        person(5, "工商银行历下支行"),
        person(7, "农行济南分行"),
        person(9, "甲银行济南"),  # an alias the office keeps on the institution
        person(11, "工商银行支行"),  # 历下 or 市中: ambiguous
        person(13, "火星银行济南分行"),
    ]
    report = office_run(users, write_roster(tmp_path / "units.xlsx", rows), commit=False)
    errors = {e.row: e for e in report.errors}
    assert set(errors) == {8, 9}, report.summary()
    assert errors[8].code == "ambiguous"
    assert "中国工商银行股份有限公司济南历下支行" in errors[8].message
    assert "中国工商银行股份有限公司济南市中支行" in errors[8].message
    assert errors[9].code == "unknown_choice"
    committed = run_import(
        TalentSchema(),
        write_roster(tmp_path / "ok.xlsx", rows[:5]),
        context_for(users["office"], None, TalentSchema()),
        commit=True,
    )
    assert committed.committed and committed.created == 5, committed.summary()
    units = [Talent.objects.by_id_number(valid_id_number("19950723", n)).get().organization for n in (1, 3, 5, 7, 9)]
    assert units == [branch, branch, lixia, abc, bank]
    assert name_key("中国工商银行股份有限公司济南分行") == name_key("工行济南分行") == "工商银行济南分行"
    assert name_key("中国银行股份有限公司济南分行") == "中国银行济南分行", "中国银行keeps its 中国"


def test_dictionary_synonyms_and_the_national_title_series(tmp_path, users, dicts, bank):
    load_defaults()
    titles = set(DictionaryEntry.objects.filter(kind=DictionaryKind.TITLE).values_list("name", flat=True))
    for series in ("经济师", "会计师", "审计师", "统计师", "工程师"):
        assert {f"助理{series}", series, f"高级{series}", f"正高级{series}"} <= titles
    assert "经济师（金融）" in titles
    own = DictionaryEntry.objects.get(kind=DictionaryKind.EDUCATION, name="大学本科")
    own.synonyms = own.synonyms + "\n全日制本科"  # the office adds its own spelling
    own.save()
    rows = [
        person(1, **{"学历": "硕士", "专业技术职称": "中级经济师"}),
        person(3, **{"学历": "研究生", "专业技术职称": "初级会计师"}),
        person(5, **{"学历": "本科", "专业技术职称": "副高级审计师"}),
        person(7, **{"学历": "大专", "专业技术职称": "正高级统计师"}),
        person(9, **{"学历": "全日制本科", "专业技术职称": "中级经济师（金融）"}),
    ]
    report = office_run(users, write_roster(tmp_path / "dict.xlsx", rows), commit=True)
    assert report.committed and report.created == 5, report.summary()
    got = {t.id_number: (t.education.name, t.title.name) for t in Talent.objects.select_related("education", "title")}
    assert [got[valid_id_number("19950723", n)] for n in (1, 3, 5, 7, 9)] == [
        ("硕士研究生", "经济师"),
        ("硕士研究生", "助理会计师"),
        ("大学本科", "高级审计师"),
        ("大学专科", "正高级统计师"),
        ("大学本科", "经济师（金融）"),
    ]


def test_eight_digit_dates_in_number_cells_and_dates_as_text(tmp_path, users, dicts, bank):
    rows = [
        person(1, **{"出生年月": 19950723, "参加工作时间": 20170701}),
        person(3, **{"出生年月": "1995年7月23日", "参加工作时间": "2017.07"}),
        person(5, **{"出生年月": "19950723", "参加工作时间": "2017-07-01"}),
        person(7, **{"出生年月": date(1995, 7, 23), "参加工作时间": 20171301}),  # no month 13
    ]
    report = office_run(users, write_roster(tmp_path / "dates.xlsx", rows), commit=False)
    assert [(e.row, e.code) for e in report.errors] == [(6, "date_invalid")], report.summary()
    committed = office_run(users, write_roster(tmp_path / "dates-ok.xlsx", rows[:3]), commit=True)
    assert committed.committed, committed.summary()
    assert set(Talent.objects.values_list("birth_date", flat=True)) == {date(1995, 7, 23)}
    assert set(Talent.objects.values_list("work_start", flat=True)) == {date(2017, 7, 1)}


def test_footer_lines_under_the_table_are_not_data_rows(tmp_path, users, dicts, bank):
    footer = [
        ["合计：2人"],
        ["", "合 计", "", "2人"],
        ["填表人：李四", "", "审核人：王五", "", "联系电话：0531-88889999"],
        ["制表日期：2026年11月20日"],
        ["联系电话: 0531-88889999"],
    ]
    path = write_roster(tmp_path / "footer.xlsx", [person(1), person(3)], footer=footer)
    report = office_run(users, path, commit=True)
    assert report.errors == [], report.summary()
    assert report.data_rows == 2 and report.created == 2


@pytest.fixture
def import_storage(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.CACHES = {
        **settings.CACHES,
        "imports": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "state"),
        },
    }


def test_an_office_import_that_renames_or_moves_a_person_needs_a_confirmation_per_row(
    tmp_path, users, dicts, bank, icbc, client_for, import_storage
):
    from django.urls import reverse

    from rencai.core.models import ImportJob, ImportStatus

    first = write_roster(tmp_path / "first.xlsx", [person(1, 姓名="张三"), person(3, 姓名="李四"), person(5)])
    assert office_run(users, first, commit=True).committed
    moved_to = icbc["中国工商银行股份有限公司济南分行"]
    again = [person(1, 姓名="张三丰"), person(3, "工行济南分行", 姓名="李四"), person(5)]
    client = client_for("office")
    with open(write_roster(tmp_path / "again.xlsx", again), "rb") as upload:
        client.post(reverse("imports:upload", kwargs={"slug": "talents"}), {"file": upload})
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.PREVIEW
    conflicts = {e["row"]: e for e in job.errors}
    assert set(conflicts) == {3, 4} and {e["code"] for e in job.errors} == {"needs_confirmation"}
    assert "姓名由“张三”改为“张三丰”" in conflicts[3]["message"]
    assert "所属机构由“甲银行济南分行”改为“中国工商银行股份有限公司济南分行”" in conflicts[4]["message"]
    page = client.get(reverse("imports:job", kwargs={"pk": job.pk})).content.decode()
    assert 'id="confirm-form"' in page and page.count('name="confirm_row"') == 2

    # Without a confirmation the rows are refused, not silently applied.
    client.post(reverse("imports:commit", kwargs={"pk": job.pk}))
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEW
    assert Talent.objects.filter(name="张三").exists() and not Talent.objects.filter(name="张三丰").exists()

    # Confirming one row: the other still blocks the whole file (all or nothing) ...
    client.post(reverse("imports:commit", kwargs={"pk": job.pk}), {"confirm_row": ["3"]})
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEW and not Talent.objects.filter(name="张三丰").exists()
    # ... both confirmed: renamed and moved.
    client.post(reverse("imports:commit", kwargs={"pk": job.pk}), {"confirm_row": ["3", "4"]})
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.message
    assert Talent.objects.get(name="张三丰").organization == bank
    assert Talent.objects.get(name="李四").organization == moved_to


def test_departments_that_do_not_exist_yet_are_listed_and_created_with_a_confirmed_commit(
    tmp_path, users, dicts, bank, client_for, import_storage
):
    from django.urls import reverse

    from rencai.core.models import ImportJob, ImportStatus
    from rencai.orgs.models import Department

    Department.objects.create(organization=bank, name="公司业务部")
    rows = [
        person(n, 部门=dept) for n, dept in ((1, "普惠金融部"), (3, "普惠金融部"), (5, "公司业务部"), (7, "普惠金融部"))
    ]
    headers = [*HEADERS, "部门"]
    workbook = xlsxwriter.Workbook(str(tmp_path / "dept.xlsx"))
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, headers)
    for at, row in enumerate(rows, start=1):
        sheet.write_row(at, 0, [row.get(h, "") for h in headers])
    workbook.close()
    client = client_for("office")
    with open(tmp_path / "dept.xlsx", "rb") as upload:
        client.post(reverse("imports:upload", kwargs={"slug": "talents"}), {"file": upload})
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.PREVIEW and job.errors == [], job.errors
    assert job.summary["to_create"] == ["普惠金融部（甲银行济南分行，3行）"]
    page = client.get(reverse("imports:job", kwargs={"pk": job.pk})).content.decode()
    assert "将新建部门：普惠金融部（甲银行济南分行，3行）" in page and 'name="create_departments"' in page

    response = client.post(reverse("imports:commit", kwargs={"pk": job.pk}), follow=True)
    assert "同时新建这些部门" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEW and not Department.objects.filter(name="普惠金融部").exists()

    client.post(reverse("imports:commit", kwargs={"pk": job.pk}), {"create_departments": "1"})
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.message
    created = Department.objects.get(organization=bank, name="普惠金融部")
    assert Talent.objects.filter(department=created).count() == 3
    assert Talent.objects.filter(department__name="公司业务部").count() == 1


def test_the_preview_shows_the_rows_to_be_written_and_each_change(
    tmp_path, users, dicts, bank, client_for, import_storage
):
    from django.urls import reverse

    from rencai.core.models import ImportJob

    load_defaults()
    assert office_run(
        users, write_roster(tmp_path / "a.xlsx", [person(1, 姓名="张三", 学历="本科")]), commit=True
    ).committed
    rows = [person(1, 姓名="张三", 学历="硕士")] + [person(n) for n in range(3, 121, 2)]
    client = client_for("office")
    with open(write_roster(tmp_path / "b.xlsx", rows), "rb") as upload:
        client.post(reverse("imports:upload", kwargs={"slug": "talents"}), {"file": upload})
    job = ImportJob.objects.get()
    preview = job.summary["preview"]
    assert len(preview) == 50 and [p["row"] for p in preview[:3]] == [3, 4, 5]
    assert preview[0] == {"row": 3, "action": "修改", "record": "张三", "changes": [["学历", "大学本科", "硕士研究生"]]}
    new = dict(preview[1]["values"])
    assert preview[1]["action"] == "新增" and new["所属机构"] == "甲银行济南分行" and new["人才类别"] == "金融商务人才"
    assert new["身份证号码"].count("*") == 8, "personal data is masked in the stored preview"
    page = client.get(reverse("imports:job", kwargs={"pk": job.pk})).content.decode()
    assert 'id="preview-table"' in page and "学历：大学本科 → 硕士研究生" in page


def test_a_talents_history_shows_the_batch_entry_of_its_import(tmp_path, users, dicts, bank, client_for):
    from django.core.management import call_command
    from django.urls import reverse

    assert office_run(users, write_roster(tmp_path / "h.xlsx", [person(1), person(3)]), commit=True).committed
    talent = Talent.objects.by_id_number(valid_id_number("19950723", 3)).get()
    page = client_for("office").get(reverse("objects:talents-detail", kwargs={"pk": talent.pk})).content.decode()
    history = page[page.index('id="history"') :]
    assert "导入文件行号" in history and "第 4 行" in history, "the batch entry names this talent's row"
    call_command("verify_audit", stdout=__import__("io").StringIO())
