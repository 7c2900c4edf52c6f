"""What returns do: send a period's form to the institutions, prefill what the platform
knows, take values (from the page or an uploaded template) with a message per field or
cell, check the rules, and move submissions through their workflow."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from rencai.core.errors import Conflict, Refused
from rencai.core.models import next_edition
from rencai.orgs.models import FINANCIAL_KINDS, Organization
from rencai.returns.models import (
    EDITABLE_STATES,
    Indicator,
    IndicatorType,
    ReturnForm,
    ReturnPeriod,
    Severity,
    Submission,
    SubmissionState,
    Value,
    plain_number,
)
from rencai.returns.rules import Finding, apply_rules, figures_for

REPORTED_STATES = (SubmissionState.SUBMITTED, SubmissionState.APPROVED, SubmissionState.LOCKED)
#: Indicators the platform can compute for an institution and a period.
PREFILL_SOURCES = {
    "talents.total": "在库人才总数",
    "talents.tier": "按层级的在库人才数（预填来源写 talents.tier:层级代码）",
    "talents.category": "按类别的在库人才数（talents.category:类别代码）",
    "training.own_classes": "自办培训期数",
    "training.own_participants": "自办培训人次",
    "training.office_participants": "参加办公室培训人次",
}


def target_organizations(form: ReturnForm):
    kinds = form.organization_kinds or FINANCIAL_KINDS
    return Organization.objects.filter(parent__isnull=True, kind__in=kinds).order_by("path")


@transaction.atomic
def new_edition(form: ReturnForm) -> ReturnForm:
    """A form in use is never edited: this copies it, with its indicators and rules, as
    the next edition, which is not yet in use."""
    return next_edition(form, {"code": form.code}, ("indicators", "rules"))


@transaction.atomic
def ensure_submissions(period: ReturnPeriod) -> int:
    """A draft for every institution the form is sent to (prefilled); returns how many new."""
    made = 0
    for organization in target_organizations(period.form):
        submission, created = Submission.objects.get_or_create(period=period, organization=organization)
        if created:
            prefill(submission)
            made += 1
    return made


def prefilled_value(source: str, organization: Organization, period: ReturnPeriod) -> Decimal | None:
    from rencai.talents.models import Talent
    from rencai.training.models import Enrollment, OwnTraining

    tree = {"organization__path__startswith": organization.path}
    name, _, argument = source.partition(":")
    if name == "talents.total":
        return Decimal(Talent.objects.filter(is_active=True, **tree).count())
    if name == "talents.tier":
        return Decimal(Talent.objects.filter(is_active=True, tier__code=argument, **tree).count())
    if name == "talents.category":
        return Decimal(Talent.objects.filter(is_active=True, category__code=argument, **tree).count())
    own = OwnTraining.objects.filter(starts_on__range=(period.starts_on, period.ends_on), **tree)
    if name == "training.own_classes":
        return Decimal(own.aggregate(n=Sum("sessions"))["n"] or 0)
    if name == "training.own_participants":
        return Decimal(own.aggregate(n=Sum("participants"))["n"] or 0)
    if name == "training.office_participants":
        attended = Enrollment.objects.filter(
            training_class__starts_on__range=(period.starts_on, period.ends_on),
            hours__gt=0,
            talent__organization__path__startswith=organization.path,
        )
        return Decimal(attended.count())
    return None


def prefill(submission: Submission) -> None:
    for indicator in submission.period.form.indicators.exclude(prefill=""):
        figure = prefilled_value(indicator.prefill, submission.organization, submission.period)
        if figure is None:
            continue
        Value.objects.update_or_create(
            submission=submission, indicator=indicator, defaults={"prefilled": figure, "number": figure}
        )


# --- values -------------------------------------------------------------------------------


def parse_value(indicator: Indicator, raw) -> tuple[Decimal | None, str]:
    """(number, text) of one answer, or ValueError with a message in Chinese."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, ""
    if indicator.kind == IndicatorType.TEXT:
        return None, str(raw).strip()
    if indicator.kind == IndicatorType.CHOICE:
        text = str(raw).strip()
        if text not in indicator.choice_list():
            raise ValueError(f"“{text}”不是可选项（{'、'.join(indicator.choice_list())}）")
        return None, text
    text = str(raw).strip().replace(",", "").replace("，", "").rstrip("%％")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"应为{indicator.get_kind_display()}，填写的是“{raw}”") from None
    if indicator.kind == IndicatorType.INTEGER and number != number.to_integral():
        raise ValueError(f"应为整数，填写的是“{raw}”")
    if number < 0:
        raise ValueError("不能为负数")
    if indicator.kind == IndicatorType.PERCENTAGE and number > 100:
        raise ValueError("百分比不能超过100")
    return number, ""


@dataclass
class Entry:
    """What was entered for one indicator, and where (a field, or an Excel cell)."""

    raw: object
    reason: str = ""
    place: str = ""


@dataclass
class EntryErrors:
    by_code: dict[str, str] = field(default_factory=dict)

    def add(self, indicator: Indicator, place: str, message: str) -> None:
        where = f"{place}：" if place else ""
        self.by_code[indicator.code] = f"{where}{indicator.name}：{message}"


@transaction.atomic
def save_values(submission: Submission, entries: dict[str, Entry]) -> EntryErrors:
    """Store what parses; report what does not, by field or cell. Nothing is stored when
    any entry is wrong, so that a half-read file never lands."""
    if not submission.editable:
        raise Conflict(f"该报表当前状态为“{submission.get_state_display()}”，不能修改。")
    indicators = {i.code: i for i in submission.period.form.indicators.all()}
    existing = {v.indicator.code: v for v in submission.values.select_related("indicator")}
    errors = EntryErrors()
    parsed = {}
    for code, entry in entries.items():
        indicator = indicators.get(code)
        if indicator is None:
            continue
        try:
            number, text = parse_value(indicator, entry.raw)
        except ValueError as exc:
            errors.add(indicator, entry.place, str(exc))
            continue
        prefilled = existing[code].prefilled if code in existing else None
        if prefilled is not None and number is not None and number != prefilled and not entry.reason.strip():
            errors.add(indicator, entry.place, f"与系统数据（{plain_number(prefilled)}）不一致，请填写修正理由")
            continue
        parsed[code] = (indicator, number, text, entry.reason.strip())
    if errors.by_code:
        return errors
    for code, (indicator, number, text, reason) in parsed.items():
        value = existing.get(code) or Value(submission=submission, indicator=indicator)
        if (value.number, value.text, value.correction_reason) != (number, text, reason) or value.pk is None:
            value.number, value.text, value.correction_reason = number, text, reason
            if value.pk:
                value.version += 1
            value.save()
    return errors


# --- checks and workflow --------------------------------------------------------------------


def numbers_of(submission: Submission | None) -> dict[str, Decimal | None]:
    if submission is None:
        return {}
    return {v.indicator.code: v.number for v in submission.values.select_related("indicator")}


def previous_submission(submission: Submission) -> Submission | None:
    before = submission.period.previous()
    if before is None:
        return None
    return Submission.objects.filter(period=before, organization=submission.organization).first()


def findings(submission: Submission, entries: dict[str, Entry] | None = None) -> list[Finding]:
    """Missing required answers and broken rules (errors block; warnings need a note).

    With ``entries`` (what the form holds, not yet saved) the check runs on those in
    place of the stored values, so that the fill page refreshes its findings as cells are
    corrected; an entry that does not parse is an error of its own."""
    form = submission.period.form
    indicators = list(form.indicators.all())
    stored = {v.indicator.code: v for v in submission.values.select_related("indicator")}
    numbers = {code: v.number for code, v in stored.items()}
    texts = {code: v.text for code, v in stored.items()}
    found = []
    for indicator in indicators:
        entry = (entries or {}).get(indicator.code)
        if entry is None:
            continue
        try:
            numbers[indicator.code], texts[indicator.code] = parse_value(indicator, entry.raw)
        except ValueError as exc:
            numbers[indicator.code], texts[indicator.code] = None, "?"
            found.append(Finding(0, Severity.ERROR, f"“{indicator.name}”（{indicator.code}）：{exc}"))
    found += [
        Finding(0, Severity.ERROR, f"“{i.name}”（{i.code}）为必填项。")
        for i in indicators
        if i.required and numbers.get(i.code) is None and not texts.get(i.code)
    ]
    figures = figures_for(indicators, numbers, numbers_of(previous_submission(submission)))
    return found + apply_rules(form.rules.all(), figures)


def submit(submission: Submission, note: str) -> None:
    if submission.state not in EDITABLE_STATES:
        raise Conflict(f"当前状态为“{submission.get_state_display()}”，不能报送。")
    if not submission.period.is_open:
        raise Conflict("该报告期已关闭，不能报送。")
    problems = findings(submission)
    errors = [f.message for f in problems if f.severity == Severity.ERROR]
    if errors:
        raise Refused("未通过校验，不能报送：" + "；".join(errors))
    warnings = [f.message for f in problems if f.severity == Severity.WARNING]
    if warnings and not note.strip():
        raise Refused("请对以下提示说明原因后再报送：" + "；".join(warnings))
    submission.warning_note = note.strip()


@transaction.atomic
def remind(period: ReturnPeriod) -> int:
    """Mark every institution that has not reported as reminded (their liaison sees a to-do)."""
    waiting = period.submissions.filter(state__in=EDITABLE_STATES)
    count = 0
    for submission in waiting:
        submission.reminded_at = timezone.now()
        submission.version += 1
        submission.save()
        count += 1
    return count


@dataclass
class BoardRow:
    submission: Submission
    late: bool


def board(period: ReturnPeriod, today: date | None = None) -> tuple[list[BoardRow], dict[str, int]]:
    """Completeness and timeliness of a period."""
    today = today or timezone.localdate()
    rows = []
    for submission in period.submissions.select_related("organization").order_by("organization__path"):
        reported = submission.state in REPORTED_STATES
        on_time = reported and submission.submitted_at is not None and submission.submitted_at.date() <= period.due_on
        late = (not reported and today > period.due_on) or (reported and not on_time)
        rows.append(BoardRow(submission, late))
    counts = dict(period.submissions.values_list("state").annotate(n=Count("id")))
    counts["total"] = len(rows)
    counts["late"] = sum(1 for r in rows if r.late)
    counts["reported"] = sum(counts.get(s, 0) for s in REPORTED_STATES)
    return rows, counts
