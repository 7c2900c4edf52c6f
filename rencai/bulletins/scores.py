"""Scores of the information work per unit (a head institution with its branches) for a
month or a year, by the year's :class:`ScoreRule` and the periodicals' points:

* every adoption into a published issue of the period earns the periodical's points for
  the item's kind (an item adopted by several periodicals earns each time);
* every leader's instruction (批示) in the period on a unit's item adds the bonus;
* every finished month in which the unit submitted fewer items than the quota costs the
  quota penalty;
* every commission (约稿) due in the period and not delivered by its deadline costs the
  commission penalty; over a year, that many missed commissions zero the year's score.

Scores are computed from the records, never stored, so a ranking and the yearly indicator
that target assessment reads cannot disagree.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rencai.bulletins.models import (
    Adoption,
    Commission,
    CommissionState,
    InfoItem,
    Instruction,
    IssueState,
    ItemState,
    Liaison,
    ScoreRule,
)
from rencai.orgs.models import Organization

ZERO = Decimal("0.00")

HEADERS = [
    gettext_lazy("名次"),
    gettext_lazy("单位"),
    gettext_lazy("报送（条）"),
    gettext_lazy("采用（篇次）"),
    gettext_lazy("采用得分"),
    gettext_lazy("领导批示（条）"),
    gettext_lazy("批示加分"),
    gettext_lazy("未完成报送任务（月）"),
    gettext_lazy("任务扣分"),
    gettext_lazy("约稿逾期（篇）"),
    gettext_lazy("约稿扣分"),
    gettext_lazy("总分"),
]


@dataclass(frozen=True)
class ScorePeriod:
    year: int
    month: int | None = None

    @property
    def start(self) -> date:
        return date(self.year, self.month or 1, 1)

    @property
    def end(self) -> date:
        month = self.month or 12
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    def months(self) -> list[int]:
        return [self.month] if self.month else list(range(1, 13))

    @property
    def chinese(self) -> str:
        """The period as official documents and the audit log write it (2026年3月)."""
        return f"{self.year}年{self.month}月" if self.month else f"{self.year}年"  # i18n: document

    def __str__(self) -> str:
        if self.month:
            return _("%(year)s年%(month)s月") % {"year": self.year, "month": self.month}
        return _("%(year)s年") % {"year": self.year}


@dataclass
class UnitScore:
    organization: Organization
    submitted: int = 0
    adopted: int = 0
    adoption_points: Decimal = ZERO
    instructions: int = 0
    bonus: Decimal = ZERO
    missed_months: int = 0
    quota_penalty: Decimal = ZERO
    overdue_commissions: int = 0
    commission_penalty: Decimal = ZERO
    zeroed: bool = False
    rank: int = 0
    monthly_items: dict[int, int] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        if self.zeroed:
            return ZERO
        return (self.adoption_points + self.bonus - self.quota_penalty - self.commission_penalty).quantize(
            Decimal("0.01")
        )

    def row(self) -> list[object]:
        return [
            self.rank,
            self.organization.name,
            self.submitted,
            self.adopted,
            self.adoption_points,
            self.instructions,
            self.bonus,
            self.missed_months,
            self.quota_penalty,
            self.overdue_commissions,
            self.commission_penalty,
            _("%(total)s（约稿逾期%(overdue)s篇，全年计零分）")
            % {"total": self.total, "overdue": self.overdue_commissions}
            if self.zeroed
            else self.total,
        ]


def rule_for(year: int) -> ScoreRule:
    """The year's rule, or the default rule when the office has set none."""
    return ScoreRule.objects.filter(year=year).first() or ScoreRule(year=year)


def _roots() -> dict[int, Organization]:
    """Every organisation's head institution (the root of its tree)."""
    organizations = list(Organization.objects.all())
    by_id = {o.pk: o for o in organizations}
    roots: dict[int, Organization] = {}
    for org in organizations:
        head = org
        while head.parent_id is not None and head.parent_id in by_id:
            head = by_id[head.parent_id]
        roots[org.pk] = head
    return roots


def unit_scores(period: ScorePeriod, organization: Organization | None = None) -> list[UnitScore]:
    """The scores of every unit that has (had) liaisons, ranked (ties share a rank)."""
    rule = rule_for(period.year)
    roots = _roots()
    unit_ids = {roots[pk].pk for pk in Liaison.objects.values_list("organization_id", flat=True).distinct()}
    if organization is not None:
        unit_ids = {roots[organization.pk].pk}
    scores = {pk: UnitScore(organization=roots[pk]) for pk in unit_ids}

    def unit(org_id: int) -> UnitScore | None:
        return scores.get(roots[org_id].pk) if org_id in roots else None

    items = InfoItem.objects.filter(submitted_at__date__gte=period.start, submitted_at__date__lte=period.end)
    for org_id, submitted_at in items.exclude(state=ItemState.DECLINED).values_list("organization_id", "submitted_at"):
        score = unit(org_id)
        if score is not None:
            month = timezone.localtime(submitted_at).month
            score.submitted += 1
            score.monthly_items[month] = score.monthly_items.get(month, 0) + 1

    adoptions = Adoption.objects.filter(
        issue__state=IssueState.PUBLISHED, issue__issued_on__gte=period.start, issue__issued_on__lte=period.end
    ).values_list("item__organization_id", "points")
    for org_id, points in adoptions:
        score = unit(org_id)
        if score is not None:
            score.adopted += 1
            score.adoption_points += points

    instructed = Instruction.objects.filter(instructed_on__gte=period.start, instructed_on__lte=period.end)
    for org_id in instructed.values_list("organization_id", flat=True):
        score = unit(org_id)
        if score is not None:
            score.instructions += 1
            score.bonus += rule.instruction_bonus

    today = timezone.localdate()
    finished = [m for m in period.months() if date(period.year, m, calendar.monthrange(period.year, m)[1]) < today]
    for score in scores.values():
        missed = sum(1 for m in finished if score.monthly_items.get(m, 0) < rule.monthly_quota)
        score.missed_months = missed
        score.quota_penalty = rule.quota_penalty * missed

    late = Q(state=CommissionState.OPEN, deadline__lt=today) | Q(
        state=CommissionState.DELIVERED, delivered_at__date__gt=F("deadline")
    )
    commissions = Commission.objects.filter(deadline__gte=period.start, deadline__lte=period.end).filter(late)
    for org_id in commissions.values_list("organization_id", flat=True):
        score = unit(org_id)
        if score is not None:
            score.overdue_commissions += 1
            score.commission_penalty += rule.commission_penalty
    if period.month is None and rule.zero_after_missed:
        for score in scores.values():
            score.zeroed = score.overdue_commissions >= rule.zero_after_missed

    ranked = sorted(scores.values(), key=lambda s: (-s.total, -s.adopted, s.organization.path))
    previous: tuple[Decimal, int] | None = None
    for position, score in enumerate(ranked, start=1):
        key = (score.total, score.adopted)
        score.rank = ranked[position - 2].rank if previous == key else position
        previous = key
    return ranked


def yearly_score(organization: Organization, year: int) -> Decimal:
    """The unit's score of the year: the indicator target assessment reads."""
    rows = unit_scores(ScorePeriod(year), organization)
    return rows[0].total if rows else ZERO
