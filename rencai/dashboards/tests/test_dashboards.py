"""The leader view's figures equal their lists; targets; generated documents whose every
number equals a count made independently from the database; and a real PDF rendering."""

import io
import re
import shutil
import subprocess
import zipfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote

import openpyxl
import pytest
from django.db.models import Sum
from django.utils import timezone
from docx import Document

from rencai.core.errors import Refused
from rencai.core.figures import grouped_counts
from rencai.dashboards import demo as templates
from rencai.dashboards.data import ITEMS, TALENT_GROUPS
from rencai.dashboards.generation import generate, generate_document
from rencai.dashboards.models import DocumentKind, DocumentState, DocumentTemplate, GeneratedDocument, Target
from rencai.dashboards.targets import progress
from rencai.returns import services as returns
from rencai.returns.models import Indicator, ReturnForm, ReturnPeriod
from rencai.selections.models import Application, Campaign
from rencai.services.models import ServiceRequest
from rencai.talents.models import DictionaryEntry, PoolMembership, Talent, TalentPool
from rencai.training.models import OwnTraining

YEAR = timezone.localdate().year


@pytest.fixture
def world(users, dicts, make_talent, bank, bank_branch, other_bank, region):
    """A small city whose every figure is known."""
    gd = DictionaryEntry.objects.create(kind="tier", code="GD", name="高端人才")
    people = [
        make_talent("甲一", bank, tier=dicts["LJ"]),
        make_talent("甲二", bank_branch, tier=gd),
        make_talent("乙一", other_bank, tier=dicts["YC"]),
        make_talent("乙二", other_bank, tier=dicts["YC"], category=dicts["ZJ"]),
        make_talent("乙三", other_bank),
    ]
    left = make_talent("出库者", other_bank, tier=dicts["YC"])
    left.is_active = False
    left.save()
    pool = TalentPool.objects.create(name="专家智库", kind="think_tank")
    PoolMembership.objects.create(pool=pool, talent=people[0], joined_on=date(YEAR, 1, 1))
    OwnTraining.objects.create(
        organization=bank,
        title="业务培训",
        topic_kind="business",
        starts_on=date(YEAR, 1, 3),
        ends_on=date(YEAR, 1, 4),
        sessions=3,
        participants=120,
        hours=Decimal(8),
    )
    OwnTraining.objects.create(
        organization=other_bank,
        title="管理培训",
        topic_kind="management",
        starts_on=date(YEAR, 1, 5),
        ends_on=date(YEAR, 1, 5),
        sessions=2,
        participants=45,
        hours=Decimal(4),
    )
    campaign = Campaign.objects.create(
        name="最美青年金融工作者",
        kind="individual",
        year=YEAR,
        opens_on=date(YEAR, 1, 1),
        closes_on=date(YEAR, 1, 2),
        quota_total=1,
        state="decided",
    )
    Application.objects.create(
        campaign=campaign,
        organization=bank,
        talent=people[0],
        route="nomination",
        summary="x",
        submitted_by=users["liaison"],
        state="winner",
    )
    form = ReturnForm.objects.create(code="HR", name="金融人力资源统计表", period_type="annual")
    Indicator.objects.create(form=form, section="一", code="D01", name="员工总数", required=False)
    period = ReturnPeriod.objects.create(
        form=form,
        label=f"{YEAR}年",
        starts_on=date(YEAR, 1, 1),
        ends_on=date(YEAR, 12, 31),
        due_on=date(YEAR + 1, 1, 31),
    )
    returns.ensure_submissions(period)
    period.submissions.filter(organization=bank).update(state="submitted", submitted_at=timezone.now())
    ServiceRequest.objects.create(
        talent=people[1], title="子女入学", category="schooling", description="x", opened_by=users["liaison"]
    )
    return {"people": people, "campaign": campaign, "period": period, "pool": pool}


def independent_counts() -> dict[str, object]:
    """The same figures, counted straight from the models."""
    active = Talent.objects.filter(is_active=True)
    own = OwnTraining.objects.filter(
        starts_on__year=YEAR,
        organization__kind__in=["bank", "securities", "futures", "insurance", "fintech", "local_financial"],
    )
    return {
        "年度": YEAR,
        "在库人才总数": active.count(),
        "领军人才数": active.filter(tier__code="LJ").count(),
        "高端人才数": active.filter(tier__code="GD").count(),
        "英才数": active.filter(tier__code="YC").count(),
        "人才库数": TalentPool.objects.filter(is_active=True).count(),
        "人才库成员数": PoolMembership.objects.active().count(),
        "评选活动数": Campaign.objects.filter(year=YEAR).count(),
        "评选当选人数": Application.objects.filter(campaign__year=YEAR, state="winner").count(),
        "组织培训机构数": own.values("organization").distinct().count(),
        "机构培训期数": own.aggregate(n=Sum("sessions"))["n"],
        "机构培训人次": own.aggregate(n=Sum("participants"))["n"],
        "办公室培训期数": 0,
        "办公室培训人次": 0,
        "报表应报家数": ReturnPeriod.objects.get().submissions.count(),
        "报表已报家数": ReturnPeriod.objects.get()
        .submissions.filter(state__in=["submitted", "approved", "locked"])
        .count(),
        "服务诉求未办结数": ServiceRequest.objects.filter(state__in=["open", "assigned", "in_progress"]).count(),
    }


def generated_text(
    user, body: str, title: str = "测试", organization=None, year: int = YEAR
) -> tuple[str, list[list[list[str]]], GeneratedDocument]:
    template = DocumentTemplate.objects.create(kind=DocumentKind.WORK_REPORT, title=title, body=body)
    document = GeneratedDocument.objects.create(
        template=template, year=year, organization=organization, requested_by=user
    )
    generate(document)
    docx = Document(document.file.open("rb"))
    text = "\n".join(p.text for p in docx.paragraphs)
    tables = [[[c.text for c in row.cells] for row in table.rows] for table in docx.tables]
    return text, tables, document


def test_every_number_in_a_document_equals_the_database(users, world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    expected = independent_counts()
    body = "\n".join(f"{name}={{{{{name}}}}}" for name in expected)
    text, _, document = generated_text(users["office"], body)
    found = dict(re.findall(r"^(\S+?)=(\S+)$", text, re.M))
    assert {name: found[name] for name in expected} == {name: str(value) for name, value in expected.items()}
    assert document.missing == [] and expected["在库人才总数"] == 5 and expected["机构培训人次"] == 165


def test_each_document_kind_carries_the_right_numbers(users, world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    expected = independent_counts()
    kinds = {
        "annual": templates.ANNUAL_SUMMARY,
        "training": templates.TRAINING_REPORT,
        "selection": templates.SELECTION_NOTICE,
        "report": templates.WORK_REPORT,
    }
    texts = {kind: generated_text(users["office"], body) for kind, body in kinds.items()}
    annual, annual_tables, _ = texts["annual"]
    assert f"在库金融人才{expected['在库人才总数']}人，其中领军人才{expected['领军人才数']}人" in annual
    assert (
        f"全年{expected['组织培训机构数']}家金融机构组织各类人才工作培训共计{expected['机构培训期数']}期，培训人员{expected['机构培训人次']}人次"
        in annual
    )
    tier_table = next(t for t in annual_tables if t[0][1] == "人才层级")
    assert {row[1]: int(row[2]) for row in tier_table[1:]} == {"领军人才": 1, "高端人才": 1, "英才": 2}
    winners = next(t for t in annual_tables if t[0][1] == "评选")
    assert [row[2] for row in winners[1:]] == ["甲一"]
    training, training_tables, _ = texts["training"]
    assert {row[1]: (row[2], row[3]) for row in training_tables[0][1:]} == {
        "甲银行济南分行": ("3", "120"),
        "乙银行济南分行": ("2", "45"),
    }
    assert f"共有{expected['评选当选人数']}名（个）个人和集体当选" in texts["selection"][0]
    report_doc = Document(GeneratedDocument.objects.order_by("-pk").first().file.open("rb"))
    assert report_doc.inline_shapes, "the work report carries its chart"


def test_a_missing_figure_is_shown_as_missing_and_said(users, world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    text, _, document = generated_text(users["office"], "应报{{报表应报家数}}家。", year=YEAR - 5)
    assert "应报【数据缺失：报表应报家数】家" in text
    assert "说明：本文中标注“数据缺失”的1项数据（报表应报家数）未能从平台取得" in text
    assert document.missing == ["报表应报家数"]
    scoped, _, _ = generated_text(
        users["office"], "人才库{{人才库数}}个，人才{{在库人才总数}}人。", organization=world["people"][0].organization
    )
    assert "人才库【数据缺失：人才库数】个，人才2人" in scoped  # the bank and its branch


def test_unknown_placeholders_are_refused_before_saving(client_for, users, db):
    response = client_for("office").post(
        "/o/document-templates/new/",
        {
            "kind": "work_report",
            "title": "{{年度}}汇报",
            "body": "人才{{人才总量}}人。\n[表格：资金]",
            "is_active": "on",
        },
    )
    message = response.content.decode()
    assert "“{{人才总量}}”、“[表格：资金]”不是可用的数据项、表格或图表" in message
    assert not DocumentTemplate.objects.exists()
    assert set(ITEMS) >= {"在库人才总数", "机构培训人次"}


def test_a_scope_the_user_may_not_see_is_refused(users, world, other_bank, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    template = DocumentTemplate.objects.create(kind=DocumentKind.WORK_REPORT, title="t", body="{{在库人才总数}}")
    document = GeneratedDocument.objects.create(
        template=template, year=YEAR, organization=other_bank, requested_by=users["liaison"]
    )
    with pytest.raises(Refused, match="无权查看该机构"):
        generate(document)


def test_a_long_document_runs_as_a_background_task(users, world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    template = DocumentTemplate.objects.create(
        kind=DocumentKind.ANNUAL_SUMMARY, title="{{年度}}年总结", body=templates.ANNUAL_SUMMARY
    )
    document = GeneratedDocument.objects.create(template=template, year=YEAR, requested_by=users["office"])
    generate_document.call(document.pk)
    document.refresh_from_db()
    assert document.state == DocumentState.DONE and document.file.name.endswith(".docx")


def test_leader_figures_equal_their_lists(client_for, users, world):
    office = client_for("office")
    page = office.get("/dashboards/").content.decode()
    links = re.findall(r'<a href="([^"]+)" class="figure" data-value="(\d*)">', page)
    assert len(links) > 10
    for url, value in links:
        listed = office.get(url.replace("&amp;", "&")).content.decode()
        if "/o/" not in url:
            continue
        count = re.search(r"共 (\d+) 条", listed)
        assert count and count.group(1) == value, (url, value)
    assert 'id="figure-total"' in page


def test_apps_contribute_leader_blocks_and_data_items_through_the_registry(client_for, users, world, monkeypatch):
    from rencai.core import figures as registry

    monkeypatch.setattr(registry, "_leader_blocks", [])
    monkeypatch.setattr(registry, "_data_items", {})

    @registry.leader_block_provider(order=10)
    def talents_block(user, period):
        return registry.Block("外部模块", [registry.named("外部在库人才", registry.list_count("talents", user))])

    registry.data_item("外部数据项", "外部模块给出的数")(lambda scope: f"{scope.period.year}年7项")
    page = client_for("office").get("/dashboards/").content.decode()
    assert "外部模块" in page and "外部在库人才" in page
    response = client_for("office").post(
        "/o/document-templates/new/",
        {"kind": "work_report", "title": "汇报", "body": "已有{{外部数据项}}。", "is_active": "on"},
    )
    assert response.status_code == 302 and DocumentTemplate.objects.filter(title="汇报").exists()
    with pytest.raises(ValueError, match="declared twice"):
        registry.data_item("外部数据项", "again")(lambda scope: 1)


def test_a_liaison_sees_their_institutions_version(client_for, users, world):
    page = client_for("liaison").get("/dashboards/").content.decode()
    total = re.search(
        r'id="figure-total"><div class="card-body"><div class="text-muted">[^<]+</div><div class="display-6 fw-bold figure-value">(\d+)',
        page,
    )
    assert total.group(1) == "2"  # 甲一 and 甲二 (branch)
    assert "乙银行" not in page


def test_targets_show_live_progress_and_pace(users, world, dicts, bank, django_assert_num_queries):
    today = timezone.localdate()
    behind = Target.objects.create(
        name="领军人才10名",
        entry=dicts["LJ"],
        number=10,
        starts_on=today - timedelta(days=300),
        due_on=today + timedelta(days=100),
    )
    ahead = Target.objects.create(
        name="英才2名",
        entry=dicts["YC"],
        number=2,
        starts_on=today - timedelta(days=10),
        due_on=today + timedelta(days=300),
    )
    pool = Target.objects.create(
        name="智库4名",
        pool=world["pool"],
        number=4,
        starts_on=today - timedelta(days=10),
        due_on=today + timedelta(days=350),
    )
    found = progress(behind, users["office"])
    assert (found.current, found.percent, found.mark) == (1, 10, "进度滞后") and found.elapsed == 75
    assert progress(ahead, users["office"]).mark == "已完成"
    assert (progress(pool, users["office"]).current, progress(pool, users["office"]).mark) == (1, "进度正常")
    # The leader view's grouped counts answer the same progress, link included, with no query.
    talents = grouped_counts("talents", users["office"], TALENT_GROUPS, is_active="true")
    pools = grouped_counts("pool-memberships", users["office"], ("pool", "batch"), status="active")
    for target in (behind, ahead, pool):
        with django_assert_num_queries(0):
            quick = progress(target, users["office"], talents=talents, pools=pools)
        assert quick == progress(target, users["office"])
    within = Target.objects.create(
        name="甲银行领军人才", entry=dicts["LJ"], organization=bank, number=1, starts_on=today, due_on=today
    )
    assert progress(within, users["office"], talents=talents, pools=pools) == progress(within, users["office"])


def test_the_leader_page_exports_its_tables(client_for, users, world):
    response = client_for("leader").get("/dashboards/", {"format": "xlsx"})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("部分", "项目", "数值") and rows[1] == ("在库人才", "合计", "5")


def test_a_generated_document_renders_as_an_official_a4_pdf(users, world, settings, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is required (apt-get install libreoffice-writer-nogui)"
    settings.MEDIA_ROOT = str(tmp_path)
    _, _, document = generated_text(users["office"], templates.ANNUAL_SUMMARY, title="{{年度}}年全市金融人才工作总结")
    docx_path = tmp_path / "summary.docx"
    docx_path.write_bytes(document.file.open("rb").read())
    fonts = set(re.findall(r'w:eastAsia="([^"]+)"', _document_xml(docx_path)))
    assert {"仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312"} <= fonts
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(docx_path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "summary.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert (round(width), round(height)) == (595, 842)  # A4
    boxes = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    words = [
        tuple(map(float, m))
        for m in re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', boxes)
    ]
    mm = 72 / 25.4
    body = [w for w in words if w[1] < height - 30 * mm]  # leave the page number out
    assert abs(min(w[0] for w in body) - 28 * mm) <= 1.5 * mm  # left margin 28 mm
    # right margin 26 mm; LibreOffice may hang one line-end punctuation mark (16 pt) past it
    assert max(w[2] for w in body) <= width - 26 * mm + 16.5
    assert min(w[1] for w in body) >= 37 * mm - 2  # top margin 37 mm


def _document_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("word/document.xml").decode()


# --- issue 24: organisation-scoped figures, pools and batches, targets --------------------


def test_an_organisation_document_gives_its_selections_pools_and_returns(users, world, bank, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    body = (
        "参与评选{{评选活动数}}项，当选{{评选当选人数}}名；人才库在库{{人才库成员数}}人次；"
        "统计报表应报{{报表应报家数}}家、已报{{报表已报家数}}家。"
    )
    text, _, document = generated_text(users["office"], body, organization=bank)
    within = Application.objects.filter(organization__path__startswith=bank.path, campaign__year=YEAR)
    submissions = world["period"].submissions.filter(organization__path__startswith=bank.path)
    expected = (
        f"参与评选{within.values('campaign').distinct().count()}项，当选{within.filter(state='winner').count()}名；"
        f"人才库在库{PoolMembership.objects.active().filter(talent__organization__path__startswith=bank.path).count()}人次；"
        f"统计报表应报{submissions.count()}家、已报{submissions.filter(state='submitted').count()}家。"
    )
    assert expected in text and document.missing == []
    assert "当选1名" in text and "已报1家" in text
    other, _, _ = generated_text(users["office"], body, organization=world["people"][2].organization)
    assert "参与评选0项，当选0名；人才库在库0人次" in other


def test_data_items_for_one_pool_its_batches_and_a_target(client_for, users, world, dicts, settings, tmp_path):
    from rencai.talents.models import PoolBatch

    settings.MEDIA_ROOT = str(tmp_path)
    pool = world["pool"]
    first = PoolBatch.objects.create(
        pool=pool,
        name="首批",
        decision_date=date(YEAR, 1, 1),
        term_start=date(YEAR, 1, 1),
        term_end=date(YEAR + 2, 12, 31),
    )
    second = PoolBatch.objects.create(
        pool=pool,
        name="第二批",
        decision_date=date(YEAR, 6, 1),
        term_start=date(YEAR, 6, 1),
        term_end=date(YEAR + 2, 12, 31),
    )
    PoolMembership.objects.filter(pool=pool).update(batch=first)
    for person in world["people"][1:3]:
        PoolMembership.objects.create(pool=pool, batch=second, talent=person, joined_on=date(YEAR, 6, 1))
    Target.objects.create(
        name="领军人才目标", entry=dicts["LJ"], number=30, starts_on=date(YEAR - 1, 1, 1), due_on=date(YEAR + 1, 12, 31)
    )
    body = (
        "专家智库首批{{批次成员数:专家智库:首批}}名，共{{人才库批次数:专家智库}}批{{人才库成员数:专家智库}}名。"
        "到{{目标年份:领军人才目标}}年领军人才目标{{目标数:领军人才目标}}名，已有{{目标完成数:领军人才目标}}名。"
    )
    text, _, document = generated_text(users["office"], body)
    leaders = Talent.objects.filter(is_active=True, tier__code="LJ").count()
    assert f"专家智库首批1名，共2批3名。到{YEAR + 1}年领军人才目标30名，已有{leaders}名。" in text
    assert document.missing == []
    response = client_for("office").post(
        "/o/document-templates/new/",
        {
            "kind": "work_report",
            "title": "汇报",
            "body": "{{人才库成员数:没有的库}}{{批次成员数:专家智库:第九批}}",
            "is_active": "on",
        },
    )
    message = response.content.decode()
    assert "“{{人才库成员数:没有的库}}”" in message and "“{{批次成员数:专家智库:第九批}}”" in message
    assert not DocumentTemplate.objects.filter(title="汇报").exists()


def test_a_fresh_install_holds_the_tier_codes_the_templates_use(users, settings, tmp_path):
    """After migrate, load_defaults gives the dictionaries the templates name, so the tier
    figures of a fresh install are counted (0), not missing."""
    from io import StringIO

    from django.core.management import call_command

    from rencai.dashboards.data import TIER_NAMES

    settings.MEDIA_ROOT = str(tmp_path)
    assert not DictionaryEntry.objects.exists()
    call_command("load_defaults", stdout=StringIO())
    tiers = set(DictionaryEntry.objects.filter(kind="tier").values_list("code", flat=True))
    assert set(TIER_NAMES) <= tiers
    count = DictionaryEntry.objects.count()
    out = StringIO()
    call_command("load_defaults", stdout=out)
    assert DictionaryEntry.objects.count() == count and "新增0项" in out.getvalue()
    text, _, document = generated_text(
        users["office"], "领军人才{{领军人才数}}人，高端人才{{高端人才数}}人，英才{{英才数}}人。"
    )
    assert "领军人才0人，高端人才0人，英才0人。" in text and document.missing == []


# --- the figures' cache: keyed by the data version, never stale (issue 25) ---------------


def _leader_total(page: str) -> int:
    found = re.search(r'id="figure-total">.*?figure-value">(\d+)', page, re.S)
    assert found, "no total on the leader view"
    return int(found.group(1))


def test_a_repeated_leader_view_is_a_look_up_and_a_write_shows_at_once(
    client_for, users, world, bank, make_talent, settings
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rencai.core.objects import registered
    from rencai.core.objects.writes import delete_object, update_many

    settings.RENCAI_FIGURES_CACHE = True
    office = client_for("office")
    with CaptureQueriesContext(connection) as built:
        before = _leader_total(office.get("/dashboards/").content.decode())
    with CaptureQueriesContext(connection) as looked_up:
        assert _leader_total(office.get("/dashboards/").content.decode()) == before
    counted = [q for q in built.captured_queries if "talents_talent" in q["sql"]]
    assert counted and not [q for q in looked_up.captured_queries if "talents_talent" in q["sql"]]
    # No figure is recounted: what remains is the page's own (session, user, the menu's
    # to-do counts and unread messages), which every page makes.
    assert not [q for q in looked_up.captured_queries if "GROUP BY" in q["sql"]]
    assert len(looked_up.captured_queries) < len(built.captured_queries) - 30

    added = make_talent("新入库", bank)  # a save: audited, so the version moves
    assert _leader_total(office.get("/dashboards/").content.decode()) == before + 1
    update_many(Talent.objects.filter(pk=added.pk), is_active=False)  # a bulk write of the one write path
    assert _leader_total(office.get("/dashboards/").content.decode()) == before
    delete_object(registered()["talents"], added, users["office"])
    assert _leader_total(office.get("/dashboards/").content.decode()) == before


def test_a_rolled_back_write_leaves_the_version_and_the_page(client_for, users, world, bank, make_talent, settings):
    from django.db import transaction

    from rencai.core import dataversion

    settings.RENCAI_FIGURES_CACHE = True
    office = client_for("office")
    before = _leader_total(office.get("/dashboards/").content.decode())
    version = dataversion.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        make_talent("未入库", bank)
        assert dataversion.current() != version  # advanced inside the transaction …
        raise RuntimeError
    assert dataversion.current() == version  # … and not after its rollback
    assert _leader_total(office.get("/dashboards/").content.decode()) == before


def test_grouped_counts_equal_the_lists_counts_and_refuse_a_filter_with_a_method(users, world):
    from rencai.core.figures import grouped_counts, list_count
    from rencai.orgs.models import OrganizationKind

    for who in ("office", "liaison"):
        user = users[who]
        groups = grouped_counts("talents", user, ("category", "tier", "organization_kind"), is_active="true")
        assert groups.count().value == list_count("talents", user, is_active="true").value
        for category in DictionaryEntry.objects.filter(kind="category"):
            for tier in [None, "null", *DictionaryEntry.objects.filter(kind="tier").values_list("pk", flat=True)]:
                chosen = {"category": category.pk, **({"tier": tier} if tier else {})}
                grouped = groups.count(**chosen)
                listed = list_count("talents", user, is_active="true", **chosen)
                assert (grouped.value, grouped.url.split("?")[0]) == (listed.value, listed.url.split("?")[0])
        for kind in OrganizationKind.values:
            assert (
                groups.count(organization_kind=kind).value
                == list_count("talents", user, is_active="true", organization_kind=kind).value
            )
    with pytest.raises(ValueError, match="cannot be grouped"):
        grouped_counts("talents", users["office"], ("pool",))


# --- issue 23b: 未定层级 so that rows add up, the liaison's title, filled titles, 落款 ----------


def test_the_matrix_rows_add_up_with_an_untiered_column(client_for, users, world):
    office = client_for("office")
    page = office.get("/dashboards/").content.decode()
    matrix = page.split('id="matrix"')[1].split("</table>")[0]
    assert "<th>未定层级</th>" in matrix
    for row in re.findall(r"<tr><th>[^<]+</th>(.*?)</tr>", matrix):
        values = [int(v) for v in re.findall(r'data-value="(\d+)"', row)]
        assert sum(values[:-1]) == values[-1], values  # the tiers and 未定层级 make the total
    untiered = re.search(r'<a href="([^"]*tier=null[^"]*)" class="figure" data-value="(\d+)"', matrix)
    assert untiered and untiered.group(2) == "1"  # 乙三
    listed = office.get(untiered.group(1).replace("&amp;", "&")).content.decode()
    assert "共 1 条" in listed and "乙三" in listed
    assert "<h1" in page and 'id="scope-label">全市<' in page


def test_a_liaisons_leader_view_is_titled_with_their_institution(client_for, users, world, bank):
    page = client_for("liaison").get("/dashboards/").content.decode()
    assert f'id="scope-label">{bank.name}<' in page and "全市" not in page.split("</h1>")[0]


def test_a_generated_documents_title_and_file_name_are_filled(client_for, users, world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    text, _, document = generated_text(users["office"], "正文。", title="{{年度}}年全市金融人才工作总结")
    assert str(document) == f"{YEAR}年全市金融人才工作总结" and "{{" not in text
    download = client_for("office").get(f"/dashboards/documents/{document.pk}/download/")
    disposition = download["Content-Disposition"]
    assert "{{" not in disposition and "%7B%7B" not in disposition
    assert f"{YEAR}" in unquote(disposition)
    detail = client_for("office").get(f"/o/generated-documents/{document.pk}/").content.decode()
    heading = detail.split("<h1")[1].split("</h1>")[0]
    assert f"{YEAR}年全市金融人才工作总结" in heading and "{{" not in heading
    assert "缺失的数据项" not in detail  # nothing missing: no empty []


def test_the_signature_uses_the_office_name_in_full(users, world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    text, _, _document = generated_text(users["office"], "正文。")
    assert users["office"].organization.name in text  # 测试市金融工作办公室, not the placeholder
    assert "\n市地方金融监督管理局" not in text
    settings.RENCAI_OFFICE_NAME = "某某市地方金融监督管理局（某某市金融工作办公室）"
    text, _, _document = generated_text(users["office"], "正文。")
    assert "某某市地方金融监督管理局（某某市金融工作办公室）" in text
