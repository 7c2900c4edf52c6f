"""Score aggregation as pure functions: means, trimmed means, weighted parts, ranking with
declared tie-breaks, and outlier flags. Decimals throughout, rounded to two places at the
end, so that a printed ranking adds up."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import cast

TWO_PLACES = Decimal("0.01")
HUNDRED = Decimal(100)


def rounded(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def mean(values: Sequence[Decimal]) -> Decimal | None:
    if not values:
        return None
    return sum(values, Decimal(0)) / len(values)


def trimmed_mean(values: Sequence[Decimal], minimum_for_trim: int = 5) -> Decimal | None:
    """The mean after dropping one highest and one lowest score, when there are at least
    ``minimum_for_trim`` scores (去掉一个最高分和一个最低分); the plain mean otherwise."""
    if len(values) >= minimum_for_trim:
        ordered = sorted(values)
        return mean(ordered[1:-1])
    return mean(values)


def outliers(totals: Sequence[Decimal], threshold: Decimal) -> list[bool]:
    """For each reviewer's total, whether it lies further than ``threshold`` from the mean
    of the other reviewers' totals. Needs at least three scores to say anything."""
    if len(totals) < 3:
        return [False] * len(totals)
    flags = []
    whole = sum(totals, Decimal(0))
    for value in totals:
        others = (whole - value) / (len(totals) - 1)
        flags.append(abs(value - others) > threshold)
    return flags


@dataclass
class Parts:
    """Weights of the parts of a final score, in percent; they add up to 100."""

    expert: Decimal = HUNDRED
    qualification: Decimal = Decimal(0)
    vote: Decimal = Decimal(0)

    def combine(self, expert: Decimal | None, qualification: Decimal | None, vote: Decimal | None) -> Decimal | None:
        """Each part on a 0–100 scale; a missing part with a non-zero weight leaves no total."""
        total = Decimal(0)
        for weight, value in ((self.expert, expert), (self.qualification, qualification), (self.vote, vote)):
            if weight == 0:
                continue
            if value is None:
                return None
            total += weight * value / HUNDRED
        return rounded(total)


def vote_share(votes: int, most_votes: int) -> Decimal:
    """Votes on a 0–100 scale, the most-voted item scoring 100."""
    if most_votes <= 0:
        return Decimal(0)
    return Decimal(votes) * HUNDRED / Decimal(most_votes)


@dataclass
class Ranked:
    key: int
    total: Decimal | None
    expert: Decimal | None = None
    votes: int = 0
    criteria: tuple[Decimal, ...] = ()
    order: int = 0  # application order: smaller applied earlier
    rank: int | None = None
    tie_note: str = ""
    extra: dict = field(default_factory=dict)


TIE_BREAKS = {
    "expert_criteria_order": "总分相同时，依次比较专家评分、评分细则各项得分（按细则顺序），仍相同的按申报先后排序",
    "votes_expert_order": "总分相同时，依次比较得票数、专家评分，仍相同的按申报先后排序",
}


def _sort_key(item: Ranked, tie_break: str) -> tuple:
    expert = item.expert if item.expert is not None else Decimal(-1)
    total = cast(Decimal, item.total)  # only scored items are sorted
    if tie_break == "votes_expert_order":
        return (-total, -item.votes, -expert, item.order)
    return (-total, -expert, tuple(-c for c in item.criteria), item.order)


def rank(items: Sequence[Ranked], tie_break: str = "expert_criteria_order") -> list[Ranked]:
    """Items with a total, best first, ranks 1, 2, 3 … (the tie-break decides equal totals);
    items without a total come last, unranked."""
    scored = sorted((i for i in items if i.total is not None), key=lambda i: _sort_key(i, tie_break))
    for position, item in enumerate(scored, start=1):
        item.rank = position
    for before, after in zip(scored, scored[1:], strict=False):
        if before.total == after.total:
            before.tie_note = after.tie_note = "同分，按规则排序"
    return scored + [i for i in items if i.total is None]
