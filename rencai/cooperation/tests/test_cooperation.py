"""The alliance, its rotating chair and joint activities; secondments from start to
evaluation; university agreements, internships and topics; the figures, to-dos, profile
section and imports — through the pages and the API, on a real database."""

import base64
import io
import json
from datetime import date, timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from rencai.cooperation import services
from rencai.cooperation.models import (
    ActivityPhoto,
    Agreement,
    AgreementArea,
    AgreementProject,
    Alliance,
    AllianceMember,
    ChairState,
    ChairTerm,
    Internship,
    JointActivity,
    OutreachLecture,
    Secondment,
    SecondmentReport,
    SecondmentState,
)
from rencai.core.models import AuditAction, AuditEntry, ImportJob, ImportStatus
from rencai.core.todos import todos_for
from rencai.orgs.models import Organization
from rencai.talents.models import PoolKind, PoolMembership, TalentPool
from rencai.training.models import Lecturer

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.CACHES = {
        **settings.CACHES,
        "imports": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "state"),
        },
    }


def api(client, url, data, method="post"):
    return getattr(client, method)(url, json.dumps(data, default=str), content_type="application/json")


@pytest.fixture
def units(bank, other_bank, region):
    more = [
        Organization.objects.create(name=name, kind=kind, region=region)
        for name, kind in [("丙证券", "securities"), ("丁期货", "futures"), ("戊保险", "insurance")]
    ]
    return [bank, other_bank, *more]


@pytest.fixture
def alliance(units):
    alliance = Alliance.objects.create(name="金融港湾党建联盟", founded_on=date(2019, 11, 1), term_months=12)
    for order, unit in enumerate(units, start=1):
        AllianceMember.objects.create(
            alliance=alliance,
            organization=unit,
            rotation_order=order,
            joined_on=date(2019, 11, 1),
            party_branches=f"{unit.name}党支部",
        )
    return alliance


def member(alliance, unit) -> AllianceMember:
    return alliance.members.get(organization=unit)


# --- members and the chair ----------------------------------------------------------------


def test_a_member_leaving_before_it_joined_is_refused(client_for, alliance, region):
    unit = Organization.objects.create(name="己金融科技", kind="fintech", region=region)
    payload = {
        "alliance": alliance.pk,
        "organization": unit.pk,
        "rotation_order": 9,
        "joined_on": "2024-05-01",
        "left_on": "2024-04-30",
    }
    response = api(client_for("office"), "/api/alliance-members/", payload)
    assert response.status_code == 400
    assert "退出日期不能早于加入日期" in response.content.decode()
    page = client_for("office").post("/o/alliance-members/new/", payload)
    assert "退出日期不能早于加入日期" in page.content.decode()
    assert not AllianceMember.objects.filter(organization=unit).exists()


def test_the_chair_rotates_in_order_skipping_a_member_that_left(client_for, alliance, units):
    start = TODAY - timedelta(days=730)
    client = client_for("office")
    response = client.post(f"/o/alliances/{alliance.pk}/do/start_rotation/", {"starts_on": start.isoformat()})
    assert response.status_code == 302
    first = ChairTerm.objects.get(alliance=alliance)
    assert (first.member.organization, first.term_number) == (units[0], 1)
    assert first.ends_on == services.term_end(start, 12)
    detail = client.get(f"/o/alliances/{alliance.pk}/").content.decode()
    assert f"下一届主席单位：{units[1].name}" in detail

    # The second member left: the chair passes to the third.
    leaving = member(alliance, units[1])
    leaving.left_on = first.ends_on
    leaving.save()
    response = client.post(f"/o/chair-terms/{first.pk}/do/hand_over/", {"handover_note": "工作台账移交"})
    assert response.status_code == 302
    first.refresh_from_db()
    second = ChairTerm.objects.get(alliance=alliance, term_number=2)
    assert first.state == ChairState.HANDED_OVER and first.handover_note == "工作台账移交"
    assert second.member.organization == units[2] and second.starts_on == first.ends_on + timedelta(days=1)
    assert services.current_term(alliance) == second
    assert AuditEntry.objects.filter(
        object_type="cooperation.chairterm", object_id=str(first.pk), action=AuditAction.UPDATE
    ).exists()

    # The second term has not ended yet: handing over now is refused.
    if second.ends_on > TODAY:
        refused = client.post(f"/o/chair-terms/{second.pk}/do/hand_over/", {"handover_note": ""})
        assert refused.status_code == 400 and "届满后方可交接" in refused.content.decode()
    else:
        client.post(f"/o/chair-terms/{second.pk}/do/hand_over/", {})
        assert ChairTerm.objects.get(term_number=3).member.organization == units[3]


def test_two_chairs_for_one_term_are_refused(client_for, alliance, units):
    ChairTerm.objects.create(
        alliance=alliance,
        member=member(alliance, units[0]),
        term_number=1,
        starts_on=date(2024, 1, 1),
        ends_on=date(2024, 12, 31),
    )
    payload = {
        "alliance": alliance.pk,
        "member": member(alliance, units[1]).pk,
        "term_number": 1,
        "starts_on": "2025-01-01",
        "ends_on": "2025-12-31",
    }
    response = api(client_for("office"), "/api/chair-terms/", payload)
    assert response.status_code == 400 and "一届只能有一个主席单位" in response.content.decode()
    overlapping = api(
        client_for("office"), "/api/chair-terms/", {**payload, "term_number": 2, "starts_on": "2024-06-01"}
    )
    assert overlapping.status_code == 400 and "同一时间只能有一个主席单位" in overlapping.content.decode()
    assert ChairTerm.objects.count() == 1


# --- activities ---------------------------------------------------------------------------


def test_a_joint_activity_counts_participants_per_member_unit(client_for, alliance, units, make_talent, bank_branch):
    people = (
        [
            make_talent("甲一", bank),
            make_talent("甲支行一", bank_branch),
            make_talent("乙一", units[1]),
            make_talent("丙一", units[2]),
        ]
        if (bank := units[0])
        else []
    )
    client = client_for("office")
    payload = {
        "alliance": alliance.pk,
        "kind": "education",
        "title": "“党性锻炼携手行”主题党日",
        "organiser": member(alliance, units[0]).pk,
        "co_organisers": [member(alliance, units[1]).pk, member(alliance, units[2]).pk],
        "held_on": (TODAY - timedelta(days=3)).isoformat(),
        "place": "红色讲坛",
        "participants": [p.pk for p in people],
        "other_participants": 0,
        "summary": "联合党课",
    }
    response = client.post("/o/joint-activities/new/", payload)
    assert response.status_code == 302, response.content.decode()[:2000]
    activity = JointActivity.objects.get()
    assert services.participants_by_unit(activity) == [(units[0].name, 2), (units[1].name, 1), (units[2].name, 1)]
    page = client.get(f"/o/joint-activities/{activity.pk}/").content.decode()
    assert f"{units[0].name} 2人" in page

    outsider = make_talent("外单位人员", Organization.objects.create(name="外单位", kind="enterprise"))
    refused = client.post("/o/joint-activities/new/", {**payload, "title": "另一次", "participants": [outsider.pk]})
    assert refused.status_code == 200 and "不属于成员单位" in refused.content.decode()

    table = client.get(reverse("cooperation:participation"), {"year": TODAY.year}).content.decode()
    assert units[2].name in table
    rows = {
        r.member.organization: r
        for r in services.participation(JointActivity.objects.all(), list(alliance.members.all()))
    }
    assert (rows[units[0]].organised, rows[units[0]].participants) == (1, 2)
    assert (rows[units[1]].co_organised, rows[units[1]].took_part) == (1, 1)
    assert rows[units[3]].took_part == 0
    export = client.get(reverse("cooperation:participation"), {"year": TODAY.year, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert [c.value for c in sheet[1]][:2] == ["成员单位", "主办活动"] and sheet.max_row == 6
    calendar = client.get(reverse("cooperation:calendar"), {"year": activity.held_on.year}).content.decode()
    assert "党性锻炼携手行" in calendar

    # A liaison of another member sees neither the activity nor it in the calendar.
    other = client_for("other_liaison")
    assert other.get(f"/o/joint-activities/{activity.pk}/").status_code == 404
    assert (
        "党性锻炼携手行"
        not in other.get(reverse("cooperation:calendar"), {"year": activity.held_on.year}).content.decode()
    )
    assert (
        "党性锻炼携手行"
        in client_for("liaison").get(reverse("cooperation:calendar"), {"year": activity.held_on.year}).content.decode()
    )


def test_photos_are_checked_by_content(client_for, alliance, units):
    activity = JointActivity.objects.create(
        alliance=alliance, kind="activity", title="联学", organiser=member(alliance, units[0]), held_on=date(2025, 7, 1)
    )
    client = client_for("office")
    fake = SimpleUploadedFile("合影.png", b"MZ\x90\x00 not an image", "image/png")
    refused = client.post("/o/activity-photos/new/", {"activity": activity.pk, "file": fake})
    assert "不是可接受的格式" in refused.content.decode() and not ActivityPhoto.objects.exists()
    good = SimpleUploadedFile("合影.png", PNG, "image/png")
    assert (
        client.post("/o/activity-photos/new/", {"activity": activity.pk, "caption": "合影", "file": good}).status_code
        == 302
    )
    photo = ActivityPhoto.objects.get()
    assert photo.file_type == "png" and photo.file_size == len(PNG)
    shown = client_for("liaison").get(reverse("cooperation:photo", args=[photo.pk]))
    assert shown.status_code == 200 and b"".join(shown.streaming_content) == PNG
    assert client_for("other_liaison").get(reverse("cooperation:photo", args=[photo.pk])).status_code == 404


def test_outreach_lectures_come_from_the_lecturer_pool_and_count_per_lecturer(client_for, users, make_talent, bank):
    pool = TalentPool.objects.create(name="培训讲师库", kind=PoolKind.LECTURER)
    talent = make_talent("讲师甲", bank)
    PoolMembership.objects.create(pool=pool, talent=talent, joined_on=date(2024, 1, 1))
    in_pool = Lecturer.objects.create(name="讲师甲", talent=talent)
    outside = Lecturer.objects.create(name="非库讲师", talent=make_talent("非库讲师", bank))
    liaison = client_for("liaison")
    form = liaison.get("/o/outreach-lectures/new/").content.decode()
    assert "讲师甲" in form and "非库讲师" not in form
    response = liaison.post(
        "/o/outreach-lectures/new/",
        {
            "lecturer": in_pool.pk,
            "requesting_unit": bank.pk,
            "topic": "金融理财知识",
            "requested_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302
    lecture = OutreachLecture.objects.get()
    held = liaison.post(
        f"/o/outreach-lectures/{lecture.pk}/do/hold/",
        {"held_on": TODAY.isoformat(), "attendance": 80, "rating": 5, "feedback": "通俗易懂"},
    )
    assert held.status_code == 302
    lecture.refresh_from_db()
    assert (lecture.state, lecture.attendance, lecture.rating) == ("held", 80, 5)
    page = client_for("office").get(f"/o/lecturers/{in_pool.pk}/").content.decode()
    assert "已宣讲1场，听讲80人次" in page
    assert outside.pk


# --- secondments --------------------------------------------------------------------------


def test_a_secondment_runs_from_start_to_evaluation(client_for, users, make_talent, bank, office_org):
    person = make_talent("挂职干部", bank, user=users["talent"])
    office = client_for("office")
    starts, ends = TODAY - timedelta(days=200), TODAY - timedelta(days=5)
    payload = {
        "talent": person.pk,
        "from_unit": bank.pk,
        "to_unit": office_org.pk,
        "post": "金融服务处副处长",
        "starts_on": starts.isoformat(),
        "ends_on": ends.isoformat(),
        "purpose": "挂职锻炼",
        "mentor": "张处长",
    }
    assert office.post("/o/secondments/new/", payload).status_code == 302
    secondment = Secondment.objects.get()
    overlap = api(
        office,
        "/api/secondments/",
        {**payload, "starts_on": (ends - timedelta(days=10)).isoformat(), "ends_on": TODAY.isoformat()},
    )
    assert overlap.status_code == 400 and "不能重叠" in overlap.content.decode()

    assert office.post(f"/o/secondments/{secondment.pk}/do/arrive/").status_code == 302
    talent = client_for("talent")
    assert talent.get(f"/o/secondments/{secondment.pk}/").status_code == 200
    late = talent.post(
        "/o/secondment-reports/new/",
        {"secondment": secondment.pk, "kind": "final", "content": "挂职总结"},
    )
    assert "期满后提交报告须填写补交理由" in late.content.decode()
    response = talent.post(
        "/o/secondment-reports/new/",
        {"secondment": secondment.pk, "kind": "final", "content": "挂职总结", "late_reason": "出差"},
    )
    assert response.status_code == 302
    assert SecondmentReport.objects.get().submitted_by == users["talent"]

    assert office.post(f"/o/secondments/{secondment.pk}/do/finish/").status_code == 302
    assert any("挂职期满尚未评价" in t.title for t in todos_for(users["office"]))
    # The sending unit's liaison sees the secondment but does not evaluate it.
    liaison = client_for("liaison")
    assert liaison.get(f"/o/secondments/{secondment.pk}/").status_code == 200
    assert (
        liaison.post(
            f"/o/secondments/{secondment.pk}/do/evaluate/", {"grade": "excellent", "evaluation": "好"}
        ).status_code
        == 403
    )
    evaluated = office.post(
        f"/o/secondments/{secondment.pk}/do/evaluate/", {"grade": "excellent", "evaluation": "工作扎实，成效明显"}
    )
    assert evaluated.status_code == 302
    secondment.refresh_from_db()
    assert secondment.state == SecondmentState.EVALUATED and secondment.grade == "excellent"
    assert secondment.evaluated_at is not None
    assert not any("挂职期满尚未评价" in t.title for t in todos_for(users["office"]))
    profile = office.get(f"/o/talents/{person.pk}/").content.decode()
    assert "挂职交流经历" in profile and "金融服务处副处长" in profile
    states = AuditEntry.objects.filter(object_type="cooperation.secondment", object_id=str(secondment.pk))
    assert states.filter(action=AuditAction.UPDATE).count() >= 3


def test_the_receiving_units_liaison_evaluates(client_for, users, make_talent, bank, other_bank):
    person = make_talent("交流人员", other_bank)
    secondment = Secondment.objects.create(
        talent=person,
        from_unit=other_bank,
        to_unit=bank,
        post="客户经理",
        starts_on=TODAY - timedelta(days=90),
        ends_on=TODAY - timedelta(days=1),
        state=SecondmentState.ENDED,
    )
    liaison = client_for("liaison")
    assert any("挂职期满尚未评价" in t.title for t in todos_for(users["liaison"]))
    response = liaison.post(
        f"/o/secondments/{secondment.pk}/do/evaluate/", {"grade": "competent", "evaluation": "称职"}
    )
    assert response.status_code == 302
    assert Secondment.objects.get().state == SecondmentState.EVALUATED
    assert client_for("talent").get(f"/o/secondments/{secondment.pk}/").status_code == 404


def test_an_office_staff_member_may_be_seconded_once_at_a_time(users, office_org, bank):
    first = Secondment(
        staff=users["office"],
        from_unit=office_org,
        to_unit=bank,
        post="行长助理",
        starts_on=date(2025, 1, 1),
        ends_on=date(2025, 12, 31),
    )
    first.full_clean()
    first.save()
    again = Secondment(
        staff=users["office"],
        from_unit=office_org,
        to_unit=bank,
        post="行长助理",
        starts_on=date(2025, 6, 1),
        ends_on=date(2026, 5, 31),
    )
    with pytest.raises(Exception, match="不能重叠"):
        again.full_clean()


# --- universities -------------------------------------------------------------------------


@pytest.fixture
def university(region):
    return Organization.objects.create(name="合作财经大学", kind="university", region=region)


@pytest.fixture
def agreement(university):
    agreement = Agreement.objects.create(
        university=university,
        title="战略合作协议",
        parties="市金融工作办公室、合作财经大学",
        signed_on=date(2024, 9, 1),
        starts_on=date(2024, 9, 1),
        ends_on=date(2027, 8, 31),
        max_interns=10,
    )
    for order, name in enumerate(["理论研究", "互聘互派", "教育培训", "实践教学"], start=1):
        area = AgreementArea.objects.create(agreement=agreement, name=name, order=order)
        AgreementProject.objects.create(area=area, name=f"{name}项目")
    return agreement


def test_an_internship_beyond_the_agreements_limit_is_refused(client_for, agreement, bank, other_bank):
    Internship.objects.create(
        agreement=agreement, host_unit=other_bank, starts_on=date(2025, 3, 1), ends_on=date(2025, 6, 30), students=7
    )
    payload = {
        "agreement": agreement.pk,
        "host_unit": bank.pk,
        "starts_on": "2025-05-01",
        "ends_on": "2025-07-31",
        "students": 4,
    }
    response = api(client_for("office"), "/api/internships/", payload)
    assert response.status_code == 400 and "超过协议约定的上限" in response.content.decode()
    assert api(client_for("office"), "/api/internships/", {**payload, "students": 3}).status_code == 201
    later = {**payload, "starts_on": "2025-07-01", "students": 10}
    assert api(client_for("office"), "/api/internships/", later).status_code == 400  # 3 still placed in July
    assert client_for("liaison").get("/o/internships/").content.decode().count("2025-05-01") == 1


def test_an_agreement_is_renewed_with_its_areas_and_projects(client_for, agreement):
    response = client_for("office").post(
        f"/o/agreements/{agreement.pk}/do/renew/", {"signed_on": "2026-08-01", "ends_on": "2030-08-31"}
    )
    assert response.status_code == 302
    renewal = Agreement.objects.get(renewed_from=agreement)
    assert renewal.starts_on == date(2027, 9, 1) and renewal.areas.count() == 4
    assert AgreementProject.objects.filter(area__agreement=renewal).count() == 4
    again = client_for("office").post(
        f"/o/agreements/{agreement.pk}/do/renew/", {"signed_on": "2026-08-01", "ends_on": "2031-08-31"}
    )
    assert again.status_code == 403


def test_a_topic_concludes_only_with_a_result(client_for, university, agreement):
    client = client_for("office")
    payload = {
        "agreement": agreement.pk,
        "university": university.pk,
        "title": "金融人才发展研究",
        "leader": "王教授",
        "funding_source": "国家社科基金",
        "funding": "200000.00",
        "starts_on": "2025-03-01",
        "due_on": "2026-03-01",
    }
    assert client.post("/o/research-topics/new/", payload).status_code == 302
    topic = agreement.topics.get()
    refused = client.post(f"/o/research-topics/{topic.pk}/do/conclude/")
    assert refused.status_code == 400 and "结题前请先登记" in refused.content.decode()
    paper = api(
        client, "/api/topic-results/", {"topic": topic.pk, "kind": "paper", "title": "论文", "result_on": "2025-12-01"}
    )
    assert paper.status_code == 400 and "请填写发表刊物" in paper.content.decode()
    adopted = {
        "topic": topic.pk,
        "kind": "policy",
        "title": "建议",
        "result_on": "2025-12-01",
        "published_in": "市政府",
    }
    assert api(client, "/api/topic-results/", adopted).status_code == 201
    assert client.post(f"/o/research-topics/{topic.pk}/do/conclude/").status_code == 302


# --- figures ------------------------------------------------------------------------------


def test_the_leader_view_shows_the_cooperation_figures(
    client_for, users, alliance, units, agreement, university, make_talent, office_org
):
    from rencai.core.figures import Period, data_items
    from rencai.dashboards.data import Scope

    JointActivity.objects.create(
        alliance=alliance, kind="talent", title="联合育人", organiser=member(alliance, units[0]), held_on=TODAY
    )
    Secondment.objects.create(
        talent=make_talent("挂职一", units[0]),
        from_unit=units[0],
        to_unit=office_org,
        post="科员",
        starts_on=TODAY - timedelta(days=10),
        ends_on=TODAY + timedelta(days=100),
    )
    renewal = services.renew(agreement, date(2030, 8, 31), TODAY)
    assert renewal.pk
    from rencai.cooperation.models import ResearchTopic

    ResearchTopic.objects.create(university=university, title="课题", leader="王", starts_on=TODAY, due_on=TODAY)
    page = client_for("leader").get("/dashboards/").content.decode()
    assert "党建联盟与交流合作" in page and "联盟成员单位（家）" in page
    scope = Scope(users["leader"], Period(TODAY.year))
    items = data_items()
    assert items["党建联盟情况"].compute(scope) == "联盟成员单位5家，开展联合活动1次"
    assert items["挂职交流情况"].compute(scope) == "选派挂职1人次"
    assert items["院校合作情况"].compute(scope) == "与1所高校签订合作协议，设立课题1项"
    liaison_scope = Scope(users["liaison"], Period(TODAY.year))
    assert items["联盟成员单位数"].compute(liaison_scope) == 1


# --- imports ------------------------------------------------------------------------------


def xlsx(headers, rows) -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("历史.xlsx", buffer.getvalue(), content_type=XLSX)


def run(client, slug, upload) -> ImportJob:
    client.post(reverse("imports:upload", kwargs={"slug": slug}), {"file": upload})
    job = ImportJob.objects.filter(object_slug=slug).latest("pk")
    assert job.status == ImportStatus.PREVIEW, (job.message, job.summary)
    client.post(reverse("imports:commit", kwargs={"pk": job.pk}))
    job.refresh_from_db()
    return job


def test_history_is_imported_from_excel(client_for, alliance, units, university, make_talent, office_org):
    client = client_for("office")
    assert client.get(reverse("imports:template", kwargs={"slug": "joint-activities"})).status_code == 200
    job = run(
        client,
        "joint-activities",
        xlsx(
            ["联盟", "活动类别", "活动名称", "主办单位", "活动日期", "地点", "参加人数"],
            [[alliance.name, "联合教育", "2021年联合党课", units[1].name, "2021-06-28", "党校", 60]],
        ),
    )
    assert job.status == ImportStatus.DONE, job.message
    activity = JointActivity.objects.get(title="2021年联合党课")
    assert activity.organiser.organization == units[1] and activity.other_participants == 60

    person = make_talent("历史挂职", units[0])
    job = run(
        client,
        "secondments",
        xlsx(
            ["身份证号码", "派出单位", "接收单位", "挂职岗位", "挂职开始", "挂职结束", "考核等次"],
            [[person.id_number, units[0].name, office_org.name, "副处长", "2022-03-01", "2023-02-28", "优秀"]],
        ),
    )
    assert job.status == ImportStatus.DONE, job.message
    assert Secondment.objects.get(talent=person).state == SecondmentState.EVALUATED

    job = run(
        client,
        "agreements",
        xlsx(
            ["合作高校", "协议名称", "合作各方", "签订日期", "协议生效", "协议到期", "实习人数上限"],
            [[university.name, "2020年合作协议", "办公室、大学", "2020-09-01", "2020-09-01", "2023-08-31", 20]],
        ),
    )
    assert job.status == ImportStatus.DONE, job.message
    assert Agreement.objects.get(title="2020年合作协议").max_interns == 20


def test_own_pages_are_for_staff_and_liaisons_and_items_are_city_wide(client_for, users, bank, alliance):
    from rencai.core.figures import Period, data_items
    from rencai.dashboards.data import Scope

    for name in ("talent", "reviewer"):
        assert client_for(name).get(reverse("cooperation:calendar")).status_code == 403
        assert client_for(name).get(reverse("cooperation:participation")).status_code == 403
    assert client_for("liaison").get(reverse("cooperation:calendar"), {"year": "abc"}).status_code == 200
    page = client_for("liaison").get(reverse("cooperation:participation")).content.decode()
    assert bank.name in page and "乙银行济南分行" not in page
    scope = Scope(users["office"], Period(TODAY.year), organization=bank)
    assert data_items()["党建联盟情况"].compute(scope) is None
