"""Demo returns: the 金融人力资源统计表 (indicators by education, age band and title, new
hires, leavers, training, 人才工作制度) with last year's submissions approved and this
year's in progress, and a one-off 调研 questionnaire."""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from rencai.core.objects.writes import create_many
from rencai.returns import services
from rencai.returns.models import (
    Indicator,
    PeriodType,
    ReturnForm,
    ReturnPeriod,
    Submission,
    SubmissionState,
    ValidationRule,
    Value,
)

HR_FORM = [
    # section, code, name, unit, kind, group, row, column, prefill
    ("一、人员总量", "D01", "员工总数", "人", "integer", "", "", "", ""),
    ("一、人员总量", "D02", "在库人才数", "人", "integer", "", "", "", "talents.total"),
    ("一、人员总量", "D03", "当年新入职人数", "人", "integer", "", "", "", ""),
    ("一、人员总量", "D04", "当年离职人数", "人", "integer", "", "", "", ""),
    ("二、按学历", "E01", "博士研究生", "人", "integer", "学历", "", "", ""),
    ("二、按学历", "E02", "硕士研究生", "人", "integer", "学历", "", "", ""),
    ("二、按学历", "E03", "大学本科", "人", "integer", "学历", "", "", ""),
    ("二、按学历", "E04", "大专及以下", "人", "integer", "学历", "", "", ""),
    ("三、按年龄段", "A01", "30岁及以下", "人", "integer", "年龄段", "", "", ""),
    ("三、按年龄段", "A02", "31至40岁", "人", "integer", "年龄段", "", "", ""),
    ("三、按年龄段", "A03", "41至50岁", "人", "integer", "年龄段", "", "", ""),
    ("三、按年龄段", "A04", "51岁及以上", "人", "integer", "年龄段", "", "", ""),
    ("四、专业技术职称（按性别）", "T11", "高级职称男", "人", "integer", "职称", "高级", "男", ""),
    ("四、专业技术职称（按性别）", "T12", "高级职称女", "人", "integer", "职称", "高级", "女", ""),
    ("四、专业技术职称（按性别）", "T21", "中级职称男", "人", "integer", "职称", "中级", "男", ""),
    ("四、专业技术职称（按性别）", "T22", "中级职称女", "人", "integer", "职称", "中级", "女", ""),
    ("四、专业技术职称（按性别）", "T31", "初级职称男", "人", "integer", "职称", "初级", "男", ""),
    ("四、专业技术职称（按性别）", "T32", "初级职称女", "人", "integer", "职称", "初级", "女", ""),
    ("五、人才工作", "R01", "培训经费支出", "万元", "decimal", "", "", "", ""),
    ("五、人才工作", "R02", "自办培训期数", "期", "integer", "", "", "", "training.own_classes"),
    ("五、人才工作", "R03", "自办培训人次", "人次", "integer", "", "", "", "training.own_participants"),
    ("五、人才工作", "R04", "新制定人才工作制度", "项", "integer", "", "", "", ""),
    ("五、人才工作", "R05", "修订人才工作制度", "项", "integer", "", "", "", ""),
    ("五、人才工作", "R06", "人力资源部门专职人才工作人员占比", "%", "percentage", "", "", "", ""),
]
HR_RULES = [
    ("博士研究生 + 硕士研究生 <= 员工总数", "硕士及以上人数不能超过员工总数。", "error"),
    ("sum(学历) == 员工总数", "按学历分组的人数合计应等于员工总数。", "error"),
    ("sum(年龄段) == 员工总数", "按年龄段分组的人数合计应等于员工总数。", "error"),
    ("sum(职称) <= 员工总数", "各级职称人数合计不能超过员工总数。", "error"),
    ("当年离职人数 <= 员工总数", "离职人数不能超过员工总数。", "error"),
    ("abs(change(员工总数)) <= 0.5", "员工总数较上年变化超过±50%，请说明原因。", "warning"),
]
SURVEY = [
    ("调研", "Q1", "人才工作是否纳入本单位年度综合考核", "", "choice", "是\n部分纳入\n否"),
    ("调研", "Q2", "最需要的人才政策支持", "", "choice", "人才住房\n子女入学\n培训资源\n薪酬激励"),
    ("调研", "Q3", "人才工作面临的主要困难和建议", "", "text", ""),
]
DIFFICULTIES = [
    "高端金融科技人才引进难，薪酬竞争力不足。",
    "基层网点青年员工流失较多，职业通道需进一步打通。",
    "希望市里统筹提供更多专题培训和挂职交流机会。",
    "人才公寓房源紧张，建议扩大覆盖范围。",
]


def load(stdout) -> None:
    if ReturnForm.objects.exists():
        stdout.write("统计报表演示数据已存在，跳过。")
        return
    rng = random.Random(2024)  # noqa: S311 - reproducible demo data, not a secret
    form = ReturnForm.objects.create(
        code="JR-HR-01",
        name="金融人力资源统计表",
        period_type=PeriodType.ANNUAL,
        description="各金融机构按年度报送本单位（含辖内分支机构）人力资源情况。",
    )
    for order, (section, code, name, unit, kind, group, row, column, prefill) in enumerate(HR_FORM, start=1):
        Indicator.objects.create(
            form=form,
            section=section,
            order=order,
            code=code,
            name=name,
            unit=unit,
            kind=kind,
            group=group,
            row_label=row,
            column_label=column,
            prefill=prefill,
        )
    for expression, message, severity in HR_RULES:
        ValidationRule.objects.create(form=form, expression=expression, message=message, severity=severity)
    today = timezone.localdate()
    last = _period(form, today.year - 1, approved_on=date(today.year, 2, 20))
    current = _period(form, today.year, approved_on=None)
    figures = {}
    for submission in last.submissions.select_related("organization"):
        figures[submission.organization_id] = _figures(rng, submission)
        _fill(submission, figures[submission.organization_id])
        _move(submission, SubmissionState.APPROVED, date(today.year, 2, rng.randint(1, 20)))
    for n, submission in enumerate(current.submissions.select_related("organization").order_by("organization__path")):
        if n % 3 == 2:
            continue  # not started
        _fill(submission, _grown(rng, figures[submission.organization_id]))
        if n % 3 == 0:
            _move(
                submission,
                SubmissionState.SUBMITTED if n % 2 == 0 else SubmissionState.APPROVED,
                today - timedelta(days=3),
            )
        elif n == 1:
            submission.state, submission.reason = (
                SubmissionState.RETURNED,
                "培训经费支出口径有误，请按财务决算数据填报。",
            )
            submission.returned_at = timezone.now()
            submission.save()
    survey = _survey(rng, today)
    stdout.write(
        f"统计报表：{form}（{last.label}已审核、{current.label}填报中），{survey}；"
        f"填报 {Submission.objects.count()} 份。"
    )


def _period(form: ReturnForm, year: int, approved_on: date | None) -> ReturnPeriod:
    period = ReturnPeriod.objects.create(
        form=form,
        label=f"{year}年",
        starts_on=date(year, 1, 1),
        ends_on=date(year, 12, 31),
        due_on=date(year + 1, 1, 31) if approved_on else timezone.localdate() + timedelta(days=20),
        is_open=True,
    )
    services.ensure_submissions(period)
    return period


def _split(rng, total: int, shares: list[float]) -> list[int]:
    parts = [int(total * s) for s in shares]
    parts[-1] = total - sum(parts[:-1])
    return parts


def _figures(rng, submission: Submission) -> dict[str, Decimal]:
    size = {"bank": (600, 3200), "insurance": (200, 1200), "securities": (150, 900)}.get(
        submission.organization.kind, (30, 260)
    )
    total = rng.randint(*size)
    education = _split(rng, total, [0.02, rng.uniform(0.18, 0.3), rng.uniform(0.5, 0.6), 1])
    age = _split(rng, total, [rng.uniform(0.25, 0.35), rng.uniform(0.3, 0.38), rng.uniform(0.18, 0.24), 1])
    values = {"D01": total, "D03": int(total * rng.uniform(0.04, 0.1)), "D04": int(total * rng.uniform(0.02, 0.07))}
    values |= dict(zip(["E01", "E02", "E03", "E04"], education, strict=True))
    values |= dict(zip(["A01", "A02", "A03", "A04"], age, strict=True))
    titled = int(total * rng.uniform(0.2, 0.4))
    values |= dict(
        zip(
            ["T11", "T12", "T21", "T22", "T31", "T32"],
            _split(rng, titled, [0.08, 0.07, 0.2, 0.22, 0.2, 1]),
            strict=True,
        )
    )
    values |= {
        "R01": round(total * rng.uniform(0.05, 0.15), 1),
        "R04": rng.randint(0, 3),
        "R05": rng.randint(0, 4),
        "R06": rng.randint(5, 30),
    }
    return {code: Decimal(str(v)) for code, v in values.items()}


def _grown(rng, before: dict[str, Decimal]) -> dict[str, Decimal]:
    factor = Decimal(str(round(rng.uniform(0.95, 1.08), 3)))
    grown = {code: (value * factor).quantize(Decimal(1)) for code, value in before.items() if code != "R01"}
    for group in (["E01", "E02", "E03", "E04"], ["A01", "A02", "A03", "A04"]):
        grown[group[-1]] = grown["D01"] - sum(grown[c] for c in group[:-1])
    grown["R01"] = (before["R01"] * factor).quantize(Decimal("0.1"))
    grown["R06"] = before["R06"]
    return grown


def _fill(submission: Submission, figures: dict[str, Decimal]) -> None:
    """The institution's figures, written in one go (demo data, not a user's edit)."""
    prefilled = set(submission.values.values_list("indicator_id", flat=True))
    create_many(
        Value,
        [
            Value(submission=submission, indicator=indicator, number=figures.get(indicator.code))
            for indicator in submission.period.form.indicators.all()
            if indicator.pk not in prefilled
        ],
    )


def _move(submission: Submission, state: str, on: date) -> None:
    stamp = timezone.make_aware(datetime.combine(on, time(10, 0)))
    submission.state = state
    submission.submitted_at = stamp
    if state in (SubmissionState.APPROVED, SubmissionState.LOCKED):
        submission.approved_at = stamp + timedelta(days=2)
    submission.save()


def _survey(rng, today: date) -> str:
    form = ReturnForm.objects.create(
        code="JR-DY-01",
        name="金融人才工作调研问卷",
        period_type=PeriodType.ONE_OFF,
        is_survey=True,
        description="了解各金融机构人才工作情况和政策需求。",
    )
    for order, (section, code, name, unit, kind, choices) in enumerate(SURVEY, start=1):
        Indicator.objects.create(
            form=form,
            section=section,
            order=order,
            code=code,
            name=name,
            unit=unit,
            kind=kind,
            choices=choices,
            required=kind != "text",
        )
    period = ReturnPeriod.objects.create(
        form=form,
        label=f"{today.year}年调研",
        starts_on=date(today.year, 1, 1),
        ends_on=date(today.year, 12, 31),
        due_on=today + timedelta(days=10),
    )
    services.ensure_submissions(period)
    answered = 0
    for submission in period.submissions.order_by("organization__path"):
        if rng.random() < 0.3:
            continue
        answers = {
            "Q1": rng.choice(["是", "是", "部分纳入", "否"]),
            "Q2": rng.choice(["人才住房", "子女入学", "培训资源", "薪酬激励"]),
            "Q3": rng.choice(DIFFICULTIES),
        }
        for indicator in form.indicators.all():
            Value.objects.create(submission=submission, indicator=indicator, text=answers[indicator.code])
        _move(submission, SubmissionState.SUBMITTED, today - timedelta(days=rng.randint(1, 5)))
        answered += 1
    return f"{form.name}（{answered}家已答）"
