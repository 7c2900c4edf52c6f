"""Generated from the declarations: every declared object is created, read, updated, edited
on stale data and deleted through its page and through its API, each write with its audit
entry; verbs its policy refuses are refused on both paths alike.

Every declared object needs a sample below (the fields a create sends, and one field an
edit changes): a new object without one fails ``test_every_object_has_a_sample``.
"""

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.test import Client

from rencai.accounts.models import User
from rencai.core.models import AuditAction, AuditEntry
from rencai.core.objects import ObjectConfig, registered
from rencai.core.objects.api import _stored_values
from rencai.core.objects.policy import Verb
from rencai.services.models import ServiceRule

#: The users (of the shared fixture) tried for a verb, in this order: the first the
#: policy allows acts.
ACTORS = ["office", "liaison", "sysadmin", "talent", "leader", "reviewer", "secadmin"]

Payload = Callable[[dict[str, Any], int], dict[str, Any]]


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("证明.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf")


def _webm() -> SimpleUploadedFile:
    from pathlib import Path

    data = (Path(__file__).resolve().parents[2] / "training" / "media" / "lecture-sample.webm").read_bytes()
    return SimpleUploadedFile("课程.webm", data, "video/webm")


#: slug -> (fields of a create, given the world and a serial; one field an edit changes).
SAMPLES: dict[str, tuple[Payload | None, tuple[str, Any]]] = {
    "organizations": (
        lambda w, n: {"name": f"测试机构{n}", "kind": "enterprise", "is_active": True},
        ("address", "经十路1号"),
    ),
    "departments": (lambda w, n: {"organization": w["bank"].pk, "name": f"部门{n}", "order": 1}, ("order", 7)),
    "users": (
        lambda w, n: {
            "username": f"newuser{n}",
            "full_name": f"新用户{n}",
            "organization": w["bank"].pk,
            "is_active": True,
            "password1": "Tq#9vLm2$wXz",
            "password2": "Tq#9vLm2$wXz",
        },
        ("full_name", "改名用户"),
    ),
    "talents": (
        lambda w, n: {
            "name": f"新人才{n}",
            "id_number": w["id_number"](n),
            "organization": w["bank"].pk,
            "category": w["category"].pk,
            "is_active": True,
        },
        ("position", "副行长"),
    ),
    "talent-qualifications": (
        lambda w, n: {"talent": w["new_talent"](n).pk, "qualification": w["qualification"].pk},
        ("certificate_number", "ZS-2026"),
    ),
    "career-entries": (
        lambda w, n: {
            "talent": w["talent"].pk,
            "organization_name": "某银行",
            "start": "2010-01-01",
            "end": "2012-01-01",
        },
        ("position", "客户经理"),
    ),
    "honours": (
        lambda w, n: {"talent": w["talent"].pk, "name": f"优秀员工{n}", "level": "city", "awarded_on": "2025-01-01"},
        ("awarded_by", "市委"),
    ),
    "change-requests": (None, ("", None)),
    # issue 23: messages are created by the platform only (rencai.accounts.notices)
    "messages": (None, ("", None)),
    "dictionary": (
        lambda w, n: {"kind": "qualification", "code": f"Q{n}", "name": f"资格{n}", "order": 1, "enabled": True},
        ("order", 5),
    ),
    "pools": (
        lambda w, n: {"name": f"人才库{n}", "kind": "think_tank", "level": "city", "term_years": 3, "is_active": True},
        ("description", "说明"),
    ),
    "pool-batches": (
        lambda w, n: {
            "pool": w["pool"].pk,
            "name": f"第{n + 1}批",
            "decision_date": "2026-01-01",
            "term_start": "2026-01-01",
            "term_end": "2028-12-31",
        },
        ("document_number", "济金发〔2026〕1号"),
    ),
    "pool-memberships": (
        lambda w, n: {
            "pool": w["pool"].pk,
            "talent": w["new_talent"](n).pk,
            "source": "nomination",
            "joined_on": "2026-01-01",
        },
        ("specialty", "风险管理"),
    ),
    "service-rules": (
        lambda w, n: {
            "name": f"规则{n}",
            "kind": "contact",
            "tier": w["tier"].pk,
            "interval_days": 90,
            "due_days": 30,
            "contact_method": "none",  # issue 24
            "is_active": False,
        },
        ("due_days", 60),
    ),
    # issue 24: the one-to-one contact leader named per institution
    "contact-leaders": (
        lambda w, n: {
            "rule": ServiceRule.objects.get_or_create(
                name="一对一联系", defaults={"kind": "contact", "tier": w["tier"], "interval_days": 90}
            )[0].pk,
            "organization": w["new_org"](n).pk,
            "leader": User.objects.get(username="leader").pk,
        },
        ("note", "分管银行业"),
    ),
    "service-duties": (
        lambda w, n: {"talent": w["talent"].pk, "kind": "support", "title": f"任务{n}", "due_date": "2026-12-31"},
        ("notes", "已联系"),
    ),
    "visits": (
        lambda w, n: {"talent": w["talent"].pk, "visited_on": "2026-05-01", "kind": "visit"},
        ("visitors", "张三"),
    ),
    "service-requests": (
        lambda w, n: {"talent": w["talent"].pk, "title": f"诉求{n}", "category": "other", "description": "需要帮助"},
        ("", None),
    ),
    "rubrics": (lambda w, n: {"name": f"细则{n}", "is_active": True}, ("description", "说明")),
    "rubric-criteria": (
        lambda w, n: {"rubric": w["free_rubric"].pk, "order": n, "name": f"项目{n}", "max_score": "10", "weight": "1"},
        ("description", "说明"),
    ),
    "reviews": (
        lambda w, n: {
            "title": f"评审{n}",
            "rubric": w["free_rubric"].pk,
            "expert_weight": "100",
            "qualification_weight": "0",
            "vote_weight": "0",
            "trim_min_reviewers": 5,
            "outlier_percent": "30",
            "tie_break": "expert_criteria_order",
            "recusal_level": 1,  # issue 24
        },
        ("title", "改名评审"),
    ),
    "review-items": (None, ("qualification_score", "8")),
    "draws": (
        lambda w, n: {
            "review": w["preparing_review"](n).pk,
            "pools": [w["think_tank"].pk],
            "wanted": 3,
            "backups": 1,
            "recusal_years": 3,
        },
        ("", None),
    ),
    "reviewers": (None, ("", None)),
    "score-sheets": (None, ("", None)),
    "declarations": (
        lambda w, n: {
            "expert": w["talent"].pk,
            "kind": "conflict",
            "related_organization": w["bank"].pk,
            "description": "曾任职",
        },
        ("description", "曾任职三年"),
    ),
    "campaigns": (
        lambda w, n: {
            "name": f"评选{n}",
            "kind": "individual",
            "year": 2026,
            "opens_on": "2026-01-01",
            "closes_on": "2026-12-31",
            "quota_total": 3,
            "expert_weight": "100",
            "qualification_weight": "0",
            "vote_weight": "0",
            "votes_per_ip_per_day": 50,
            "publicity_days": 7,
            "honour_level": "city",
        },
        ("notice_number", "济金发〔2026〕9号"),
    ),
    "campaign-quotas": (
        lambda w, n: {"campaign": w["open_campaign"].pk, "organization": w["new_org"](n).pk, "quota": 2},
        ("quota", 3),
    ),
    "applications": (
        lambda w, n: {
            "campaign": w["open_campaign"].pk,
            "talent": w["new_talent"](n).pk,
            "organization": w["other_bank"].pk,
            "summary": "事迹",
        },
        ("summary", "修改后的事迹"),
    ),
    "materials": (
        lambda w, n: {"application": w["application"].pk, "kind": f"证明{n}", "file": _pdf()},
        ("", None),
    ),
    "objections": (
        lambda w, n: {
            "application": w["publicised_application"].pk,
            "content": f"异议内容{n}",
            "contact": "13800000000",
        },
        ("", None),
    ),
    "unit-awards": (None, ("", None)),
    # issue 24: historic selection results are entered by import only
    "historic-results": (None, ("", None)),
    "hours-rules": (
        lambda w, n: {"mode": ["face", "online", "video"][n - 1], "factor": "1.0"},
        ("factor", "0.5"),
    ),
    "lecturers": (lambda w, n: {"name": f"讲师{n}", "is_external": True}, ("title", "教授")),
    "training-programmes": (lambda w, n: {"name": f"培训项目{n}", "is_catalogue": False}, ("description", "说明")),
    "training-classes": (
        lambda w, n: {
            "programme": w["programme"].pk,
            "name": f"第{n}期",
            "organization": w["office_org"].pk,
            "starts_on": "2026-09-01",
            "ends_on": "2026-09-03",
            "mode": "face",
            "capacity": 30,
            "completion_percent": 80,
        },
        ("venue", "金融中心"),
    ),
    "training-sessions": (
        lambda w, n: {
            "training_class": w["training_class"].pk,
            "title": f"第{n}讲",
            "starts_at": "2026-03-01 09:00",
            "ends_at": "2026-03-01 11:00",
            "mode": "face",
            "hours": "2",
        },
        ("title", "改名课程"),
    ),
    "enrollments": (
        lambda w, n: {"training_class": w["open_class"].pk, "talent": w["new_talent"](n).pk},
        ("", None),
    ),
    "attendances": (
        lambda w, n: {"session": w["session"].pk, "talent": w["enrolled_talent"](n).pk, "note": "补录"},
        ("", None),
    ),
    "videos": (
        lambda w, n: {"title": f"讲堂{n}", "topic": "专题", "file": _webm(), "duration_seconds": 12, "hours": "0.5"},
        ("description", "说明"),
    ),
    "watch-progress": (None, ("", None)),
    "training-feedback": (
        lambda w, n: {
            "training_class": w["attended_class"](n).pk,
            "content_rating": 5,
            "lecturer_rating": 4,
            "organisation_rating": 5,
            "comment": f"收获很大{n}",
        },
        ("", None),
    ),
    "own-trainings": (
        lambda w, n: {
            "organization": w["bank"].pk,
            "title": f"自办培训{n}",
            "topic_kind": "business",
            "starts_on": "2026-01-01",
            "ends_on": "2026-01-02",
            "sessions": 2,
            "participants": 20,
            "hours": "4",
        },
        ("participants", 25),
    ),
    "return-forms": (
        lambda w, n: {"code": f"F{n}", "name": f"报表{n}", "period_type": "annual", "is_survey": False},
        ("description", "说明"),
    ),
    "indicators": (
        lambda w, n: {
            "form": w["free_form"].pk,
            "section": "一",
            "order": n,
            "code": f"X{n:02d}",
            "name": f"指标{n}",
            "kind": "integer",
        },
        ("unit", "人"),
    ),
    "return-rules": (
        lambda w, n: {
            "form": w["rule_form"].pk,
            "expression": "X01 >= 0",
            "message": "员工数不能为负",
            "severity": "error",
        },
        ("message", "员工总数不能为负数"),
    ),
    "return-periods": (
        lambda w, n: {
            "form": w["free_form"].pk,
            "label": f"{2020 + n}年",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "due_on": "2027-01-31",
        },
        ("label", "二〇二六年"),
    ),
    "submissions": (None, ("", None)),
    "targets": (
        lambda w, n: {"name": f"目标{n}", "number": 10, "starts_on": "2026-01-01", "due_on": "2026-12-31"},
        ("number", 12),
    ),
    "document-templates": (
        lambda w, n: {
            "kind": "work_report",
            "title": f"汇报{n}",
            "body": "# 一、总体情况\n全市共有人才{{在库人才总数}}名。",
            "is_active": True,
        },
        ("title", "改名汇报"),
    ),
    "generated-documents": (None, ("", None)),
    # --- funds (人才专项资金) ---
    "funds": (
        lambda w, n: {
            "year": _funds_serial(),
            "name": "人才专项资金",
            "amount": "1000000.00",
            "document_number": f"文{n}",
        },
        ("document_number", "金办发〔2026〕9号"),
    ),
    "budget-lines": (
        lambda w, n: {"fund": _funds_fund().pk, "purpose": "training", "amount": "1000.00"},
        ("notes", "说明"),
    ),
    "budget-adjustments": (
        lambda w, n: {"line": _funds_line().pk, "direction": "increase", "amount": "1.00", "reason": "增加班次"},
        ("reason", "改为压减"),
    ),
    "payments": (
        lambda w, n: {
            "line": _funds_line().pk,
            "kind": "other",
            "summary": f"支出{n}",
            "organization": w["bank"].pk,
            "amount": "10.00",
        },
        ("summary", "改过的摘要"),
    ),
    "allowance-schemes": (
        lambda w, n: {
            "name": f"津贴{n}",
            "line": _funds_line("allowance").pk,
            "frequency": "yearly",
            "term_start": "2026-01-01",
            "term_end": "2026-12-31",
        },
        ("document_number", "区委发〔2026〕3号"),
    ),
    "allowance-rules": (
        lambda w, n: {"scheme": _funds_scheme().pk, "name": f"规则{n}", "tier": w["tier"].pk, "amount": "100.00"},
        ("name", "改名规则"),
    ),
    "allowance-holders": (None, ("", None)),
    "payment-batches": (None, ("", None)),
    "award-rules": (
        lambda w, n: {"campaign": _funds_campaign(n).pk, "line": _funds_line("award").pk, "amount": "6000.00"},
        ("amount", "7000.00"),
    ),
    # --- cooperation (党建联盟、挂职交流、院校合作) ---
    "alliances": (
        lambda w, n: {"name": f"联盟{n}", "founded_on": "2025-01-01", "term_months": 12, "is_active": True},
        ("description", "说明"),
    ),
    "alliance-members": (
        lambda w, n: {
            "alliance": w["coop"]["alliance"].pk,
            "organization": w["new_org"](n).pk,
            "rotation_order": 10 + n,
            "joined_on": "2025-01-01",
        },
        ("contact", "张三"),
    ),
    "chair-terms": (
        lambda w, n: {
            "alliance": w["coop"]["alliance"].pk,
            "member": w["coop"]["member"].pk,
            "term_number": 10 + n,
            "starts_on": f"{2040 + n}-01-01",
            "ends_on": f"{2040 + n}-12-31",
        },
        ("handover_note", "交接顺利"),
    ),
    "joint-activities": (
        lambda w, n: {
            "alliance": w["coop"]["alliance"].pk,
            "kind": "education",
            "title": f"联合活动{n}",
            "organiser": w["coop"]["member"].pk,
            "held_on": "2026-03-01",
            "other_participants": 0,
        },
        ("place", "会议室"),
    ),
    "activity-photos": (
        lambda w, n: {"activity": w["coop"]["activity"].pk, "caption": f"照片{n}", "file": _png()},
        ("", None),
    ),
    "outreach-lectures": (
        lambda w, n: {
            "lecturer": w["coop"]["lecturer"].pk,
            "requesting_unit": w["bank"].pk,
            "topic": f"宣讲{n}",
            "requested_on": "2026-03-01",
        },
        ("place", "礼堂"),
    ),
    "secondments": (
        lambda w, n: {
            "talent": w["new_talent"](n).pk,
            "from_unit": w["other_bank"].pk,
            "to_unit": w["office_org"].pk,
            "post": "科员",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
        },
        ("mentor", "李四"),
    ),
    "secondment-reports": (
        lambda w, n: {
            "secondment": w["coop"]["serving"](n).pk,
            "kind": "monthly",
            "month": date.today().isoformat(),
            "content": f"本月工作{n}",
        },
        ("content", "本月工作（修改）"),
    ),
    "agreements": (
        lambda w, n: {
            "university": w["coop"]["university"].pk,
            "title": f"战略合作协议{n}",
            "parties": "办公室、大学",
            "signed_on": "2025-01-01",
            "starts_on": "2025-01-01",
            "ends_on": "2027-12-31",
            "max_interns": 10,
        },
        ("notes", "备注"),
    ),
    "agreement-areas": (
        lambda w, n: {"agreement": w["coop"]["agreement"].pk, "name": f"领域{n}", "order": 1},
        ("order", 2),
    ),
    "agreement-projects": (
        lambda w, n: {"area": w["coop"]["area"].pk, "name": f"项目{n}"},
        ("description", "内容"),
    ),
    "internships": (
        lambda w, n: {
            "agreement": w["coop"]["agreement"].pk,
            "host_unit": w["bank"].pk,
            "starts_on": "2026-03-01",
            "ends_on": "2026-06-30",
            "students": 1,
        },
        ("major", "金融学"),
    ),
    "research-topics": (
        lambda w, n: {
            "university": w["coop"]["university"].pk,
            "title": f"课题{n}",
            "leader": "王教授",
            "starts_on": "2026-01-01",
            "due_on": "2026-12-31",
        },
        ("funding_source", "自筹"),
    ),
    "topic-milestones": (
        lambda w, n: {"topic": w["coop"]["topic"].pk, "title": f"节点{n}", "due_on": "2026-06-30"},
        ("note", "按期"),
    ),
    "topic-results": (
        lambda w, n: {"topic": w["coop"]["topic"].pk, "kind": "report", "title": f"成果{n}", "result_on": "2026-05-01"},
        ("note", "说明"),
    ),
    # --- end cooperation ---
    # --- projects (人才工程) ---
    "talent-projects": (
        lambda w, n: {"name": f"人才工程{n}", "starts_year": 2026, "ends_year": 2028, "lead_unit": w["office_org"].pk},
        ("budget_line", "人才发展专项资金"),
    ),
    "project-tasks": (
        lambda w, n: {
            "project": w["project_task"].project_id,
            "title": f"工程任务{n}",
            "organization": w["bank"].pk,
            "owner": "张三",
            "starts_on": "2026-01-01",
            "due_on": "2026-12-31",
        },
        ("owner", "李四"),
    ),
    "milestones": (
        lambda w, n: {
            "task": w["project_task"].pk,
            "name": f"节点{n}",
            "planned_on": (date(2026, 1, 2) + timedelta(days=n % 300)).isoformat(),
            "planned_percent": 20,
        },
        ("planned_percent", 30),
    ),
    "progress-reports": (
        lambda w, n: {"task": w["project_task"].pk, "percent": 10 + n, "content": f"进展{n}"},
        ("", None),
    ),
    "task-instructions": (None, ("", None)),
    "supervision-notices": (None, ("", None)),
    "colour-changes": (None, ("", None)),
}


# --- bulletins (信息报送) ---------------------------------------------------------------------


def _bulletins_liaison(w: dict[str, Any]) -> dict[str, Any]:
    """The walking liaison on record as the bank's liaison (only liaisons submit items)."""
    from rencai.accounts.models import User
    from rencai.bulletins.models import Liaison

    user = User.objects.get(username="liaison")
    Liaison.objects.get_or_create(
        organization=w["bank"], user=user, term_start=date(2020, 1, 1), defaults={"phone": "13912345678"}
    )
    return {}


def _bulletins_user(username: str):
    from rencai.accounts.models import User

    return User.objects.get(username=username)


def _bulletins_item(w: dict[str, Any], n: int, state: str = "submitted"):
    from rencai.bulletins.models import InfoItem

    return InfoItem.objects.create(
        organization=w["bank"],
        title=f"信息{n}",
        body="正文",
        category="news",
        head_signoff=True,
        signed_by="张",
        state=state,
    )


def _bulletins_issue(w: dict[str, Any], n: int):
    from rencai.bulletins.models import Periodical, PeriodicalIssue

    periodical, _ = Periodical.objects.get_or_create(name="金融动态", defaults={"issuer": "市金融办"})
    return PeriodicalIssue.objects.create(
        periodical=periodical, year=2026, number=50 + n, serial=500 + n, issued_on=date(2026, 5, 1)
    )


SAMPLES |= {
    "liaisons": (
        lambda w, n: {
            "organization": w["bank"].pk,
            "user": _bulletins_user("liaison").pk,
            "phone": "13912345678",
            "duties": "信息收集",
            "term_start": f"2026-0{n}-01",
        },
        ("duties", "信息收集和反馈"),
    ),
    "info-items": (
        lambda w, n: {
            **_bulletins_liaison(w),
            "organization": w["bank"].pk,
            "category": "news",
            "title": f"甲行信息{n}",
            "body": "正文",
            "head_signoff": True,
            "signed_by": "张行长",
        },
        ("title", "编辑后的标题"),
    ),
    "info-versions": (None, ("", None)),
    "info-attachments": (lambda w, n: {"item": _bulletins_item(w, n).pk, "file": _pdf()}, ("", None)),
    "commissions": (
        lambda w, n: {"organization": w["bank"].pk, "topic": f"约稿{n}", "deadline": "2026-12-31"},
        ("description", "约稿要求"),
    ),
    "periodicals": (
        lambda w, n: {
            "name": f"刊物{n}",
            "level": "city",
            "issuer": "市金融办",
            "points_news": "5",
            "points_practice": "10",
            "points_suggestion": "10",
            "points_urgent": "30",
            "is_active": True,
        },
        ("send_to", "市直有关部门"),
    ),
    "periodical-issues": (
        lambda w, n: {
            "periodical": _bulletins_issue(w, 40 + n).periodical_id,
            "year": 2026,
            "number": n,
            "serial": 100 + n,
            "issued_on": "2026-05-01",
        },
        ("editor", "李敏"),
    ),
    "adoptions": (
        lambda w, n: {
            "issue": _bulletins_issue(w, n).pk,
            "item": _bulletins_item(w, n, state="accepted").pk,
            "order": n,
        },
        ("order", 9),
    ),
    "instructions": (
        lambda w, n: {
            "item": _bulletins_item(w, n, state="accepted").pk,
            "text": "请总结推广",
            "instructed_on": "2026-05-01",
        },
        ("", None),
    ),
    "score-rules": (
        lambda w, n: {
            "year": 2030 + n,
            "monthly_quota": 2,
            "quota_penalty": "2",
            "instruction_bonus": "20",
            "commission_penalty": "5",
            "zero_after_missed": 2,
        },
        ("notes", "说明"),
    ),
}


# --- funds (人才专项资金): what the samples above refer to -------------------------------
_funds_years = iter(range(3000, 9000))


def _funds_serial() -> int:
    return next(_funds_years)


def _funds_fund():
    from decimal import Decimal

    from rencai.funds.models import Fund

    return Fund.objects.create(year=_funds_serial(), amount=Decimal("100000.00"))


def _funds_line(purpose: str = "other"):
    from decimal import Decimal

    from rencai.funds.models import BudgetLine

    return BudgetLine.objects.create(fund=_funds_fund(), purpose=purpose, amount=Decimal("1000.00"))


def _funds_scheme():
    from rencai.funds.models import AllowanceScheme

    return AllowanceScheme.objects.create(
        name="规则用津贴", line=_funds_line("allowance"), term_start=date(2026, 1, 1), term_end=date(2026, 12, 31)
    )


def _funds_campaign(n: int):
    from rencai.selections.models import Campaign

    return Campaign.objects.create(
        name=f"奖励评选{n}",
        kind="individual",
        year=2026,
        opens_on=date(2026, 1, 1),
        closes_on=date(2026, 2, 1),
        quota_total=1,
    )


def test_every_object_has_a_sample():
    missing = sorted(set(registered()) - set(SAMPLES))
    assert not missing, f"declare a CRUD sample for {missing} in test_crud.py"


def actor_for(config: ObjectConfig, verb: Verb, users) -> str | None:
    for name in ACTORS:
        if config.policy.allows(verb, users[name]):
            return name
    return None


def last_entry(config: ObjectConfig, pk: int) -> AuditEntry:
    """The newest audit entry of one record (there must be one)."""
    label = config.model._meta.label_lower
    return AuditEntry.objects.filter(object_type=label, object_id=str(pk)).latest("seq")


def created_entry(config: ObjectConfig, pk: int) -> bool:
    label = config.model._meta.label_lower
    return AuditEntry.objects.filter(object_type=label, object_id=str(pk), action=AuditAction.CREATE).exists()


def page_data(values: dict[str, Any]) -> dict[str, Any]:
    """A dict as a browser posts it: files as uploads, everything else as text."""
    return {k: v for k, v in values.items() if v is not None}


def api_json(values: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The same values as the API takes them: JSON unless a file goes with them."""
    if any(isinstance(v, SimpleUploadedFile) for v in values.values()):
        return values, "multipart"
    return values, "json"


def api_post(client: Client, url: str, values: dict[str, Any], method: str = "post"):
    data, kind = api_json(values)
    if kind == "multipart":
        return getattr(client, method)(url, data)
    return getattr(client, method)(url, json.dumps(data, default=str), content_type="application/json")


def edit_values(config: ObjectConfig, user, obj: Model, change: tuple[str, Any]) -> dict[str, Any]:
    form_class = config.get_form_class(user, obj)
    values = _stored_values(form_class, obj)
    values = {k: v for k, v in values.items() if v != ""}
    values[change[0]] = change[1]
    return values


@pytest.fixture
def world(users, dicts, make_talent, experts, foreign, bank, other_bank, office_org):
    """What the samples refer to."""
    from rencai.conftest import valid_id_number
    from rencai.evaluation.models import Review, ReviewItem, Rubric
    from rencai.orgs.models import Organization
    from rencai.returns.models import Indicator, ReturnForm
    from rencai.selections.models import ApplicationState, Campaign, CampaignState
    from rencai.training.models import ClassState, Enrollment, TrainingClass

    serials = iter(range(501, 999, 2))
    talent = foreign["talents"][0]
    klass = foreign["enrollments"][0].training_class
    open_campaign = Campaign.objects.create(
        name="开放评选",
        kind="individual",
        year=2026,
        opens_on=date(2026, 1, 1),
        closes_on=date(2099, 1, 1),
        quota_total=5,
        state=CampaignState.OPEN,
    )
    application = foreign["applications"][0]
    publicised = foreign["applications"][0].__class__.objects.create(
        campaign=Campaign.objects.create(
            name="公示评选",
            kind="individual",
            year=2026,
            opens_on=date(2026, 1, 1),
            closes_on=date(2026, 2, 1),
            quota_total=1,
            state=CampaignState.PUBLICITY,
            publicity_starts_on=date.today() - timedelta(days=1),
            publicity_ends_on=date.today() + timedelta(days=7),
        ),
        organization=other_bank,
        talent=talent,
        route="nomination",
        subject_name="公示对象",
        summary="事迹",
        submitted_by=users["other_liaison"],
        state=ApplicationState.SHORTLISTED,
    )

    def new_talent(n: int):
        return make_talent(f"候选人{n}", other_bank)

    def enrolled_talent(n: int):
        person = new_talent(n)
        Enrollment.objects.create(
            training_class=klass, talent=person, route="nominated", state="confirmed", requested_by=users["office"]
        )
        return person

    def preparing_review(n: int):
        review = Review.objects.create(
            title=f"待抽取评审{n}", rubric=Rubric.objects.create(name=f"抽取细则{n}"), organization=office_org
        )
        ReviewItem.objects.create(review=review, label=f"评审对象{n}", organization=other_bank, talent=talent)
        return review

    open_class = TrainingClass.objects.create(
        programme=klass.programme,
        name="报名中的一期",
        organization=office_org,
        starts_on=date(2026, 9, 1),
        ends_on=date(2026, 9, 2),
        capacity=50,
        state=ClassState.OPEN,
    )
    myself = make_talent("人才本人", users["talent"].organization, user=users["talent"])

    def attended_class(n: int):
        finished = TrainingClass.objects.create(
            programme=klass.programme,
            name=f"已结业的第{n}期",
            organization=office_org,
            starts_on=date(2026, 3, 1),
            ends_on=date(2026, 3, 2),
            capacity=50,
            state=ClassState.FINISHED,
        )
        Enrollment.objects.create(
            training_class=finished, talent=myself, route="self", state="confirmed", requested_by=users["talent"]
        )
        return finished

    rule_form = ReturnForm.objects.create(code="RULES", name="有规则的报表", period_type="annual")
    Indicator.objects.create(form=rule_form, section="一", order=1, code="X01", name="员工总数")

    return {
        "bank": bank,
        "other_bank": other_bank,
        "office_org": office_org,
        "talent": talent,
        "category": dicts["JR"],
        "qualification": dicts["CFA"],
        "pool": foreign["pool-memberships"][0].pool,
        "think_tank": experts["pool"],
        "free_rubric": Rubric.objects.create(name="未使用的细则"),
        "preparing_review": preparing_review,
        "open_campaign": open_campaign,
        "application": application,
        "publicised_application": publicised,
        "programme": klass.programme,
        "training_class": klass,
        "open_class": open_class,
        "attended_class": attended_class,
        "rule_form": rule_form,
        "tier": dicts["LJ"],
        "session": foreign["training-sessions"][0],
        "free_form": ReturnForm.objects.create(code="FREE", name="未使用的报表", period_type="annual"),
        "id_number": lambda n: valid_id_number("19900101", next(serials)),
        "new_talent": new_talent,
        "enrolled_talent": enrolled_talent,
        "new_org": lambda n: Organization.objects.create(name=f"配额机构{n}", kind="bank", parent=None),
        "coop": cooperation_world(make_talent, bank, office_org),
        # --- projects (人才工程) ---
        "project_task": foreign["project-tasks"][0],
    }


# --- cooperation (党建联盟、挂职交流、院校合作) ---
def cooperation_world(make_talent, bank, office_org) -> dict[str, Any]:
    """An alliance with a member, an activity, a lecturer, a university with an agreement,
    an area and a topic, and secondments in progress (for reports)."""
    from rencai.cooperation.models import (
        Agreement,
        AgreementArea,
        Alliance,
        AllianceMember,
        JointActivity,
        ResearchTopic,
        Secondment,
        SecondmentState,
    )
    from rencai.orgs.models import Organization
    from rencai.training.models import Lecturer

    alliance = Alliance.objects.create(name="测试党建联盟", founded_on=date(2024, 1, 1))
    member = AllianceMember.objects.create(
        alliance=alliance, organization=bank, rotation_order=1, joined_on=date(2024, 1, 1)
    )
    activity = JointActivity.objects.create(
        alliance=alliance, kind="education", title="主题党日", organiser=member, held_on=date(2026, 2, 1)
    )
    university = Organization.objects.create(name="协作测试大学", kind="university")
    agreement = Agreement.objects.create(
        university=university,
        title="战略合作协议",
        parties="办公室、大学",
        signed_on=date(2025, 1, 1),
        starts_on=date(2025, 1, 1),
        ends_on=date(2027, 12, 31),
        max_interns=50,
    )
    today = date.today()

    def serving(n: int) -> Secondment:
        return Secondment.objects.create(
            talent=make_talent(f"挂职人{n}", bank),
            from_unit=bank,
            to_unit=office_org,
            post="挂职科员",
            starts_on=today - timedelta(days=40),
            ends_on=today + timedelta(days=300),
            state=SecondmentState.SERVING,
        )

    return {
        "alliance": alliance,
        "member": member,
        "activity": activity,
        "lecturer": Lecturer.objects.create(name="外聘讲师", is_external=True),
        "university": university,
        "agreement": agreement,
        "area": AgreementArea.objects.create(agreement=agreement, name="理论研究"),
        "topic": ResearchTopic.objects.create(
            university=university, title="课题", leader="王教授", starts_on=date(2026, 1, 1), due_on=date(2026, 12, 31)
        ),
        "serving": serving,
    }


def _png() -> SimpleUploadedFile:
    import base64

    data = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
    )
    return SimpleUploadedFile("合影.png", data, "image/png")


# --- end cooperation ---


# --- assessment (目标考核与示范点) --------------------------------------------------------------
_assessment_serials = iter(range(1, 100000))


def _assessment_scheme():
    from rencai.assessment.models import AssessmentScheme, Indicator

    scheme = AssessmentScheme.objects.create(name=f"考核方案{next(_assessment_serials)}", year=2026, unit_class="bank")
    Indicator.objects.create(
        scheme=scheme, order=1, category="组织领导", name="第一责任人", max_score=10, rule="按规则", source="manual"
    )
    return scheme


def _assessment_round(**extra):
    from rencai.assessment.models import AssessmentRound

    return AssessmentRound.objects.create(
        scheme=_assessment_scheme(),
        title=f"考核批次{next(_assessment_serials)}",
        self_due_on=date(2026, 12, 31),
        **extra,
    )


def _assessment_line(w: dict[str, Any]):
    """A self-scored line of the bank's draft assessment."""
    from rencai.accounts.models import User
    from rencai.assessment import services

    assessment = services.open_assessment(_assessment_round(), w["bank"], User.objects.get(username="office"))
    return assessment.scores.get()


def _assessment_publicised(w: dict[str, Any]):
    from rencai.assessment.models import AssessmentState, UnitAssessment

    round_ = _assessment_round(state="publicity", publicity_starts_on=date.today(), publicity_ends_on=date.today())
    return UnitAssessment.objects.create(round=round_, organization=w["bank"], state=AssessmentState.REVIEWED)


def _site_programme():
    from rencai.assessment.models import SiteProgramme

    return SiteProgramme.objects.create(
        name=f"百点创建{next(_assessment_serials)}", number=100, start_year=2021, end_year=2030
    )


def _building_site(w: dict[str, Any]):
    from rencai.assessment.models import DemonstrationSite

    return DemonstrationSite.objects.create(
        programme=_site_programme(),
        year=2026,
        organization=w["bank"],
        name="甲行示范点",
        kind="enterprise",
        theme="主题",
        measures="举措",
        expected_results="成效",
        contact="张三",
        state="building",
    )


def _assessment_rubric():
    from rencai.evaluation.models import Rubric

    return Rubric.objects.create(name=f"验收细则{next(_assessment_serials)}")


SAMPLES |= {
    "assessment-schemes": (
        lambda w, n: {
            "name": f"方案{n}",
            "year": 2026,
            "unit_class": "bank",
            "bonus_cap": "5",
            "expert_weight": "0",
            "excellent_min": "90",
            "good_min": "80",
            "fair_min": "60",
            "excellent_share": 30,
            "is_active": True,
        },
        ("description", "说明"),
    ),
    "assessment-indicators": (
        lambda w, n: {
            "scheme": _assessment_scheme().pk,
            "order": n,
            "category": "组织领导",
            "name": f"指标{n}",
            "weight": "10",
            "max_score": "10",
            "rule": "按规则",
            "source": "manual",
        },
        ("evidence", "会议纪要"),
    ),
    "assessment-rounds": (
        lambda w, n: {
            "scheme": _assessment_scheme().pk,
            "title": f"考核{n}",
            "self_due_on": "2026-12-31",
            "publicity_days": 7,
            "appeal_days": 5,
        },
        ("title", "改名考核"),
    ),
    "unit-assessments": (
        lambda w, n: {"round": _assessment_round().pk, "organization": w["bank"].pk},
        ("report", "述职报告"),
    ),
    "assessment-scores": (None, ("note", "自评说明")),
    "assessment-evidence": (
        lambda w, n: {"score": _assessment_line(w).pk, "title": f"材料{n}", "file": _pdf()},
        ("", None),
    ),
    "assessment-appeals": (
        lambda w, n: {"assessment": _assessment_publicised(w).pk, "content": f"申诉{n}"},
        ("", None),
    ),
    "site-programmes": (
        lambda w, n: {
            "name": f"百点{n}",
            "number": 100,
            "start_year": 2021,
            "end_year": 2030,
            "quota_min": 1,
            "quota_max": 2,
        },
        ("number", 120),
    ),
    "demonstration-sites": (
        lambda w, n: {
            "programme": _site_programme().pk,
            "year": 2026,
            "organization": w["bank"].pk,
            "name": f"示范点{n}",
            "kind": "enterprise",
            "theme": "主题",
            "measures": "举措",
            "expected_results": "成效",
            "contact": "张三",
        },
        ("contact", "李四"),
    ),
    "site-progress-notes": (
        lambda w, n: {"site": _building_site(w).pk, "noted_on": "2026-05-01", "content": f"进展{n}"},
        ("content", "新进展"),
    ),
    "site-acceptances": (
        lambda w, n: {
            "programme": _site_programme().pk,
            "year": 2026,
            "rubric": _assessment_rubric().pk,
            "pass_score": "80",
            "rectify_score": "60",
        },
        ("pass_score", "85"),
    ),
}
# --- end assessment ---


def _form_errors(response) -> str:
    form = response.context.get("form") if response.context else None
    return str(form.errors.as_data()) if form is not None else response.content.decode()[:2000]


def _created_pk(response) -> int:
    assert response.status_code == 302, _form_errors(response)
    return int(response["Location"].rstrip("/").split("/")[-1])


@pytest.mark.parametrize("slug", sorted(SAMPLES))
def test_crud_through_page_and_api(slug, users, client_for, world, foreign):
    config = registered()[slug]
    payload, change = SAMPLES[slug]
    objects: list[Model] = []

    creator = actor_for(config, "create", users)
    if creator is None:
        for name in ACTORS:
            client = client_for(name)
            assert client.get(f"/o/{slug}/new/").status_code in (403, 302), name
            assert api_post(client, f"/api/{slug}/", {}).status_code in (403, 401), name
        objects.append(foreign[slug][0])
    else:
        assert payload is not None, f"{slug}: {creator} may create it, so the sample needs the fields of a create"
        client = client_for(creator)
        response = client.post(f"/o/{slug}/new/", page_data(payload(world, 1)))
        page_pk = _created_pk(response)
        assert created_entry(config, page_pk)
        response = api_post(client, f"/api/{slug}/", payload(world, 2))
        assert response.status_code == 201, response.content.decode()[:3000]
        api_pk = response.json()["id"]
        assert created_entry(config, api_pk)
        objects += [config.model._default_manager.get(pk=page_pk), config.model._default_manager.get(pk=api_pk)]

    reader = actor_for(config, "view", users)
    client = client_for(reader)
    for obj in objects:
        assert client.get(f"/o/{slug}/{obj.pk}/").status_code == 200
        assert client.get(f"/api/{slug}/{obj.pk}/").status_code == 200

    editor = actor_for(config, "change", users)
    assert (editor is None) == (not change[0]), f"{slug}: the sample's edit must match who may change it"
    if editor is not None and config.editable(users[editor]).filter(pk=objects[0].pk).exists():
        check_edits(config, slug, client_for(editor), users[editor], objects, change)
    elif editor is None:
        office = client_for("office")
        assert office.get(f"/o/{slug}/{objects[0].pk}/edit/").status_code == 403
        patch = api_post(office, f"/api/{slug}/{objects[0].pk}/", {"version": objects[0].version}, method="patch")
        assert patch.status_code == 403

    deleter = actor_for(config, "delete", users)
    if deleter is not None and config.editable(users[deleter]).filter(pk=objects[-1].pk).exists():
        check_deletes(config, slug, client_for(deleter), objects)
    elif deleter is None:
        for name in ACTORS:
            assert client_for(name).delete(f"/api/{slug}/{objects[0].pk}/").status_code in (403, 404), name
        assert config.model._default_manager.filter(pk=objects[0].pk).exists()


def check_edits(config: ObjectConfig, slug: str, client: Client, user, objects: list[Any], change) -> None:
    obj = objects[0]
    version = obj.version
    values = edit_values(config, user, obj, change)
    response = client.post(f"/o/{slug}/{obj.pk}/edit/", page_data({**values, "_version": version}))
    assert response.status_code == 302, _form_errors(response)
    obj.refresh_from_db()
    assert obj.version == version + 1
    assert last_entry(config, obj.pk).action == AuditAction.UPDATE
    stale = client.post(f"/o/{slug}/{obj.pk}/edit/", page_data({**values, "_version": version}))
    assert stale.status_code == 409
    assert "已被他人修改" in stale.content.decode()

    response = api_post(
        client, f"/api/{slug}/{obj.pk}/", {change[0]: change[1], "version": obj.version}, method="patch"
    )
    assert response.status_code == 200, response.content.decode()[:3000]
    assert response.json()["version"] == obj.version + 1
    stale = api_post(client, f"/api/{slug}/{obj.pk}/", {change[0]: change[1], "version": version}, method="patch")
    assert stale.status_code == 409, stale.content.decode()
    missing = api_post(client, f"/api/{slug}/{obj.pk}/", {change[0]: change[1]}, method="patch")
    assert missing.status_code == 400


def check_deletes(config: ObjectConfig, slug: str, client: Client, objects: list[Any]) -> None:
    """Delete through the page, then through the API; a delete the rules refuse (a record
    its own creation made others refer to) must be refused alike on both paths."""
    first, last = objects[0], objects[-1]
    page = client.post(f"/o/{slug}/{first.pk}/delete/", follow=True)
    if config.model._default_manager.filter(pk=first.pk).exists():
        response = client.delete(f"/api/{slug}/{first.pk}/")
        assert response.status_code == 409, response.content.decode()
        message = response.json()["non_field_errors"][0]
        assert "不能删除" in message and message in page.content.decode()
        return
    assert last_entry(config, first.pk).action == AuditAction.DELETE
    if last.pk == first.pk:
        return
    response = client.delete(f"/api/{slug}/{last.pk}/")
    assert response.status_code == 204, response.content.decode()
    assert not config.model._default_manager.filter(pk=last.pk).exists()
    assert last_entry(config, last.pk).action == AuditAction.DELETE


#: Objects others refer to, with what refers to them, built from the shared samples.
REFERENCED = {
    "organizations": "talents",
    "dictionary": "talents",
    "pools": "pool-batches",
    "pool-batches": "pool-memberships",
    "talents": "honours",
    "training-programmes": "training-classes",
    "return-forms": "return-periods",
    "return-periods": "submissions",
}


@pytest.mark.parametrize("slug", sorted(REFERENCED))
def test_delete_of_referenced_object_is_refused_alike(slug, users, client_for, foreign):
    config = registered()[slug]
    referenced = _referenced(slug, foreign)
    client = client_for("office")
    response = client.delete(f"/api/{slug}/{referenced.pk}/")
    assert response.status_code == 409, response.content.decode()
    message = response.json()["non_field_errors"][0]
    assert "不能删除" in message and "引用" in message
    page = client.post(f"/o/{slug}/{referenced.pk}/delete/", follow=True)
    assert message in page.content.decode()
    assert config.model._default_manager.filter(pk=referenced.pk).exists()


def _referenced(slug: str, foreign) -> Model:
    if slug == "organizations":
        return foreign["talents"][0].organization
    if slug == "dictionary":
        return foreign["talents"][0].category
    if slug == "pools":
        return foreign["pool-memberships"][0].pool
    if slug == "pool-batches":
        return foreign["pool-memberships"][0].batch
    if slug == "talents":
        return foreign["honours"][0].talent
    if slug == "training-programmes":
        return foreign["enrollments"][0].training_class.programme
    if slug == "return-forms":
        return foreign["return-periods"][0].form
    return foreign["submissions"][0].period


def test_deleting_a_signed_draw_is_refused_by_the_api_as_by_the_page(users, client_for, foreign):
    from rencai.evaluation.models import Draw, DrawState, Reviewer

    draw = foreign["draws"][0]
    Draw.objects.filter(pk=draw.pk).update(state=DrawState.SIGNED)
    client = client_for("office")
    page = client.post(f"/o/draws/{draw.pk}/delete/", follow=True)
    assert "已抽取的记录不能删除" in page.content.decode()
    response = client.delete(f"/api/draws/{draw.pk}/")
    assert response.status_code == 409
    assert response.json() == {"non_field_errors": ["已抽取的记录不能删除。"]}
    assert Draw.objects.filter(pk=draw.pk).exists()
    assert Reviewer.objects.filter(draw=draw).exists()
