"""Totals of a period across institutions (by kind and region), each institution's
figure for drill-down, the year before for comparison, and survey answers counted."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from rencai.returns.models import (
    Indicator,
    IndicatorType,
    ReturnPeriod,
    Submission,
    SubmissionState,
    Value,
    plain_number,
)

COUNTED = (SubmissionState.SUBMITTED, SubmissionState.APPROVED, SubmissionState.LOCKED)


@dataclass
class Line:
    indicator: Indicator
    total: Decimal | None = None
    previous: Decimal | None = None
    by_kind: dict = field(default_factory=dict)
    answers: list = field(default_factory=list)
    counts: list = field(default_factory=list)

    @property
    def total_text(self) -> str:
        return plain_number(self.total)

    @property
    def previous_text(self) -> str:
        return plain_number(self.previous)

    @property
    def change(self) -> Decimal | None:
        if self.total is None or not self.previous:
            return None
        return ((self.total - self.previous) * 100 / self.previous).quantize(Decimal("0.1"))


def submissions_for(period: ReturnPeriod, user, kind: str = "", region: str = ""):
    found = Submission.objects.visible_to(user).filter(period=period, state__in=COUNTED)
    if kind:
        found = found.filter(organization__kind=kind)
    if region:
        found = found.filter(organization__region__code=region)
    return found


def aggregate(period: ReturnPeriod, user, kind: str = "", region: str = "") -> tuple[list[Line], int]:
    """One line per indicator; returns the lines and how many submissions they count."""
    submissions = submissions_for(period, user, kind, region)
    ids = list(submissions.values_list("pk", flat=True))
    kinds = dict(submissions.values_list("pk", "organization__kind"))
    lines = {i.pk: Line(i) for i in period.form.indicators.all()}
    for value in Value.objects.filter(submission_id__in=ids).select_related("indicator"):
        line = lines[value.indicator_id]
        if value.indicator.is_number and value.number is not None:
            line.total = (line.total or Decimal(0)) + value.number
            kind_of = kinds[value.submission_id]
            line.by_kind[kind_of] = line.by_kind.get(kind_of, Decimal(0)) + value.number
        elif value.text:
            line.answers.append(value.text)
    before = period.previous()
    if before is not None:
        previous_ids = submissions_for(before, user, kind, region).values_list("pk", flat=True)
        totals: defaultdict[str, Decimal] = defaultdict(Decimal)
        for code, number in Value.objects.filter(submission_id__in=previous_ids, number__isnull=False).values_list(
            "indicator__code", "number"
        ):
            totals[code] += number
        for line in lines.values():
            line.previous = totals.get(line.indicator.code)
    for line in lines.values():
        if line.indicator.kind == IndicatorType.CHOICE:
            tally = Counter(line.answers)
            line.counts = [(choice, tally.get(choice, 0)) for choice in line.indicator.choice_list()]
    return list(lines.values()), len(ids)


def drill_down(period: ReturnPeriod, user, code: str, kind: str = "", region: str = "") -> list[tuple]:
    """(institution, kind, value, state) of one indicator for every counted submission."""
    submissions = submissions_for(period, user, kind, region).select_related("organization")
    values = {
        v.submission_id: v
        for v in Value.objects.filter(submission__in=submissions, indicator__code=code).select_related("indicator")
    }
    rows = []
    for submission in submissions.order_by("organization__path"):
        value = values.get(submission.pk)
        rows.append(
            (
                submission.organization,
                submission.organization.get_kind_display(),
                value.display() if value else "",
                submission,
            )
        )
    return rows
