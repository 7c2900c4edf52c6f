"""The numbers the platform can put in a leader's view or a document, by name, for a year
and a scope (the city, or one institution with its branches), as the user may see them.

Every counted figure goes through :func:`figures.list_count` (the same list a link opens)
or through the module that owns the figure (training, returns); a figure that cannot be
computed for the scope is ``None`` and is shown as missing, never as 0.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from rencai.core.figures import Count, Period, data_items, list_count
from rencai.orgs.models import Organization
from rencai.returns.models import ReturnPeriod
from rencai.returns.services import board
from rencai.selections.models import ApplicationState, Campaign, CampaignState
from rencai.talents.models import DictionaryEntry, DictionaryKind, TalentPool
from rencai.training import figures as training_figures

TIER_NAMES = {"LJ": "领军人才数", "GD": "高端人才数", "YC": "英才数"}


@dataclass
class Scope:
    user: object
    period: Period
    organization: Organization | None = None
    _cache: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.organization.name if self.organization else "全市"

    def talents(self, **query) -> Count:
        if self.organization is not None:
            query["within"] = self.organization.pk
        return list_count("talents", self.user, is_active="true", **query)

    def training(self) -> training_figures.Table:
        if "training" not in self._cache:
            period = training_figures.Period(self.period.start, self.period.end)
            self._cache["training"] = training_figures.by_institution(self.user, period)
        return self._cache["training"]

    def training_row(self) -> training_figures.Row | None:
        table = self.training()
        if self.organization is None:
            return table.total
        return next((r for r in table.rows if r.organization.pk == self.organization.pk), None)


def _city_only(func: Callable[[Scope], object]) -> Callable[[Scope], object]:
    """A figure the platform only knows for the whole city."""

    def wrapped(scope: Scope):
        return None if scope.organization is not None else func(scope)

    return wrapped


def _tier(code: str) -> Callable[[Scope], int | None]:
    def count(scope: Scope) -> int | None:
        entry = DictionaryEntry.objects.filter(kind=DictionaryKind.TIER, code=code).first()
        return scope.talents(tier=entry.pk).value if entry else None

    return count


def _campaigns(scope: Scope):
    return Campaign.objects.filter(year=scope.period.year)


def _winners(scope: Scope) -> int:
    return sum(
        list_count("applications", scope.user, campaign=c.pk, state=ApplicationState.WINNER).value or 0
        for c in _campaigns(scope).filter(state=CampaignState.DECIDED)
    )


def _own_financial(scope: Scope) -> tuple[int, int, int]:
    return training_figures.own_training(scope.training())


def _hr_period(scope: Scope) -> ReturnPeriod | None:
    return (
        ReturnPeriod.objects.filter(form__is_survey=False, ends_on__year=scope.period.year).order_by("-ends_on").first()
    )


def _returns(scope: Scope, key: str) -> int | None:
    period = _hr_period(scope)
    if period is None:
        return None
    return board(period)[1].get(key, 0)


def _coverage(scope: Scope) -> Decimal | None:
    row = scope.training_row()
    return row.coverage if row else None


#: Name → (what it is, how to compute it).
ITEMS: dict[str, tuple[str, Callable[[Scope], object]]] = {
    "年度": ("报告年度", lambda s: s.period.year),
    "范围": ("统计范围", lambda s: s.label),
    "在库人才总数": ("在库人才总数", lambda s: s.talents().value),
    **{name: (name, _tier(code)) for code, name in TIER_NAMES.items()},
    "人才库数": ("专项人才库和专家智库个数", _city_only(lambda s: TalentPool.objects.filter(is_active=True).count())),
    "人才库成员数": (
        "人才库在库成员人次",
        _city_only(lambda s: list_count("pool-memberships", s.user, status="active").value),
    ),
    "评选活动数": ("本年度评选活动个数", _city_only(lambda s: _campaigns(s).count())),
    "评选当选人数": ("本年度评选当选个人和集体数", _city_only(_winners)),
    "组织培训机构数": ("组织人才工作培训的金融机构家数", _city_only(lambda s: _own_financial(s)[0])),
    "机构培训期数": ("金融机构组织培训期数", _city_only(lambda s: _own_financial(s)[1])),
    "机构培训人次": ("金融机构组织培训人次", _city_only(lambda s: _own_financial(s)[2])),
    "办公室培训期数": ("市金融工作办公室举办培训班期数", _city_only(lambda s: s.training().office_classes)),
    "办公室培训人次": (
        "参加市金融工作办公室培训人次",
        lambda s: row.office_participants if (row := s.training_row()) else None,
    ),
    "培训覆盖率": ("在库人才受训覆盖率（%）", _coverage),
    "报表应报家数": ("金融人力资源统计应报机构数", _city_only(lambda s: _returns(s, "total"))),
    "报表已报家数": ("金融人力资源统计已报送机构数", _city_only(lambda s: _returns(s, "reported"))),
    "服务诉求未办结数": (
        "未办结的人才服务诉求件数",
        lambda s: list_count("service-requests", s.user, unfinished="true").value,
    ),
}


def all_items() -> dict[str, tuple[str, Callable[[Scope], object]]]:
    """The registry's own items and those the apps declare in their providers."""
    declared = {name: (item.label, item.compute) for name, item in data_items().items()}
    return {**ITEMS, **declared}


def available() -> list[tuple[str, str]]:
    return [(name, label) for name, (label, _) in all_items().items()]


def compute(names, scope: Scope) -> dict[str, object]:
    """The value of each named item (None when the platform cannot give it)."""
    items = all_items()
    return {name: items[name][1](scope) for name in names if name in items}
