"""The numbers the platform can put in a leader's view or a document, by name, for a year
and a scope (the city, or one institution with its branches), as the user may see them.

Every counted figure goes through :func:`figures.list_count` (the same list a link opens)
or through the module that owns the figure (training, returns); a figure that cannot be
computed for the scope is ``None`` and is shown as missing, never as 0.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from rencai.core.figures import Count, Grouped, Period, data_items, grouped_counts, list_count
from rencai.core.roles import CITYWIDE_READERS, Role, role_of
from rencai.dashboards.models import Target
from rencai.orgs.models import Organization
from rencai.returns.models import ReturnPeriod
from rencai.returns.services import REPORTED_STATES, board
from rencai.selections.models import Application, ApplicationState, Campaign, CampaignState
from rencai.talents.models import DictionaryEntry, DictionaryKind, PoolBatch, TalentPool
from rencai.training import figures as training_figures

#: The filters of the talents list the scope's figures are grouped by, in the order of the
#: index ``talent_active_figures`` (organisation, category, tier): PostgreSQL 15 then
#: aggregates the index-only scan as it comes, without hashing every row.
TALENT_GROUPS = ("organization_kind", "category", "tier")

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
        """The talents in the registry (of the scope's institution) with ``query``: from
        the one grouped count (:meth:`talent_groups`) when ``query`` only picks a category,
        tier or kind of institution, else counted through the list."""
        if set(query) <= set(TALENT_GROUPS):
            return self.talent_groups().count(**query)
        if self.organization is not None:
            query["within"] = self.organization.pk
        return list_count("talents", self.user, is_active="true", **query)

    def talent_groups(self) -> Grouped:
        """The scope's talents in the registry counted per category × tier × kind of
        institution, in one query, once per scope (the leader view's matrix, its kinds,
        a document's tier figures, tables and charts all add these up)."""
        if "talents" not in self._cache:
            query: dict[str, object] = {"is_active": "true"}
            if self.organization is not None:
                query["within"] = self.organization.pk
            self._cache["talents"] = grouped_counts("talents", self.user, TALENT_GROUPS, **query)
        return self._cache["talents"]

    def registered(self) -> dict[int, int] | None:
        """Active talents per organisation id, from :meth:`talent_groups`, when they are
        the ones the training figures count for this user (the city seen by a city-wide
        reader or a liaison, whose list shows every talent under the institutions the
        figures are about); None otherwise (the training figures count them)."""
        if self.organization is not None or role_of(self.user) not in (*CITYWIDE_READERS, Role.LIAISON):
            return None
        groups = self.talent_groups()
        return None if groups.rows is None else groups.keys("organization_kind")

    def training(self) -> training_figures.Table:
        """The training figures of the scope: for the city their totals and each
        institution's own training (:func:`training_figures.totals`), for an institution
        its row of :meth:`training_by_institution`."""
        if self.organization is not None:
            return self.training_by_institution()
        if "training" not in self._cache:
            period = training_figures.Period(self.period.start, self.period.end)
            self._cache["training"] = training_figures.totals(self.user, period, self.registered())
        return self._cache["training"]

    def training_by_institution(self) -> training_figures.Table:
        """Each institution's training figures (a table ranking the institutions)."""
        if "training_rows" not in self._cache:
            period = training_figures.Period(self.period.start, self.period.end)
            self._cache["training_rows"] = training_figures.by_institution(
                self.user, period, registered=self.registered()
            )
        return self._cache["training_rows"]

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


def _campaign_count(scope: Scope) -> int | None:
    """The year's campaigns; for an institution, those it (or a branch) took part in."""
    if scope.organization is None:
        return _campaigns(scope).count()
    applied = Application.objects.visible_to(scope.user).filter(
        campaign__year=scope.period.year, organization__path__startswith=scope.organization.path
    )
    return applied.values("campaign").distinct().count()


def _winners(scope: Scope) -> int:
    """Winners of the year's decided campaigns; for an institution, its own and its branches'."""
    within = {"within": scope.organization.pk} if scope.organization is not None else {}
    return sum(
        list_count("applications", scope.user, campaign=c.pk, state=ApplicationState.WINNER, **within).value or 0
        for c in _campaigns(scope).filter(state=CampaignState.DECIDED)
    )


def _pool_members(scope: Scope) -> int | None:
    """Active pool memberships; for an institution, its talents' memberships, pool by pool."""
    if scope.organization is None:
        return list_count("pool-memberships", scope.user, status="active").value
    counts = [scope.talents(pool=pool.pk).value for pool in TalentPool.objects.filter(is_active=True).order_by("pk")]
    return None if any(c is None for c in counts) else sum(c or 0 for c in counts)


def _own_financial(scope: Scope) -> tuple[int, int, int]:
    return training_figures.own_training(scope.training())


def _hr_period(scope: Scope) -> ReturnPeriod | None:
    return (
        ReturnPeriod.objects.filter(form__is_survey=False, ends_on__year=scope.period.year).order_by("-ends_on").first()
    )


def _returns(scope: Scope, key: str) -> int | None:
    """Due and reported returns of the year's statistics; for an institution, its own and
    its branches' submissions."""
    period = _hr_period(scope)
    if period is None:
        return None
    rows, counts = board(period)
    if scope.organization is None:
        return counts.get(key, 0)
    mine = [r for r in rows if r.submission.organization.path.startswith(scope.organization.path)]
    if key == "total":
        return len(mine)
    return sum(1 for r in mine if r.submission.state in REPORTED_STATES)


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
    "人才库成员数": ("人才库在库成员人次", _pool_members),
    "评选活动数": ("本年度评选活动个数（机构：参与申报的评选个数）", _campaign_count),
    "评选当选人数": ("本年度评选当选个人和集体数", _winners),
    "组织培训机构数": ("组织人才工作培训的金融机构家数", _city_only(lambda s: _own_financial(s)[0])),
    "机构培训期数": ("金融机构组织培训期数", _city_only(lambda s: _own_financial(s)[1])),
    "机构培训人次": ("金融机构组织培训人次", _city_only(lambda s: _own_financial(s)[2])),
    "办公室培训期数": ("市金融工作办公室举办培训班期数", _city_only(lambda s: s.training().office_classes)),
    "办公室培训人次": (
        "参加市金融工作办公室培训人次",
        lambda s: row.office_participants if (row := s.training_row()) else None,
    ),
    "培训覆盖率": ("在库人才受训覆盖率（%）", _coverage),
    "报表应报家数": ("金融人力资源统计应报机构数", lambda s: _returns(s, "total")),
    "报表已报家数": ("金融人力资源统计已报送机构数", lambda s: _returns(s, "reported")),
    "服务诉求未办结数": (
        "未办结的人才服务诉求件数",
        lambda s: list_count("service-requests", s.user, unfinished="true").value,
    ),
}


# --- items with a parameter: {{名称:人才库}}, {{名称:人才库:批次}}, {{名称:目标}} ---------------


def _pool(name: str) -> TalentPool | None:
    return TalentPool.objects.filter(name=name).first()


def _pool_figure(pool_name: str) -> Callable[[Scope], int | None]:
    def count(scope: Scope) -> int | None:
        pool = _pool(pool_name)
        if pool is None:
            return None
        if scope.organization is not None:
            return scope.talents(pool=pool.pk).value
        return list_count("pool-memberships", scope.user, pool=pool.pk, status="active").value

    return count


def _batch_count(pool_name: str) -> Callable[[Scope], int | None]:
    def count(scope: Scope) -> int | None:
        pool = _pool(pool_name)
        return PoolBatch.objects.filter(pool=pool).count() if pool is not None else None

    return count


def _batch_figure(pool_name: str, batch_name: str) -> Callable[[Scope], int | None]:
    def count(scope: Scope) -> int | None:
        batch = PoolBatch.objects.filter(pool__name=pool_name, name=batch_name).first()
        if batch is None or scope.organization is not None:
            return None
        return list_count("pool-memberships", scope.user, batch=batch.pk, status="active").value

    return count


def _target(name: str, part: str) -> Callable[[Scope], int | None]:
    def value(scope: Scope) -> int | None:
        from rencai.dashboards.targets import progress

        target = Target.objects.filter(name=name).first()
        if target is None:
            return None
        if part == "number":
            return target.number
        if part == "year":
            return target.due_on.year
        return progress(target, scope.user).current

    return value


#: Name before the colon → (what it is, how many parameters, the computation).
PARAMETRISED: dict[str, tuple[str, int, Callable[..., Callable[[Scope], object]]]] = {
    "人才库成员数": ("该人才库在库成员数（{{人才库成员数:人才库名称}}）", 1, _pool_figure),
    "人才库批次数": ("该人才库的入库批次数（{{人才库批次数:人才库名称}}）", 1, _batch_count),
    "批次成员数": ("该批次在库成员数（{{批次成员数:人才库名称:批次名称}}）", 2, _batch_figure),
    "目标数": ("工作目标的目标数（{{目标数:目标名称}}）", 1, lambda n: _target(n, "number")),
    "目标年份": ("工作目标的完成年份（{{目标年份:目标名称}}）", 1, lambda n: _target(n, "year")),
    "目标完成数": ("工作目标的当前完成数（{{目标完成数:目标名称}}）", 1, lambda n: _target(n, "current")),
}


def lookup(name: str) -> tuple[str, Callable[[Scope], object]] | None:
    """The item ``name`` names: a plain one, or one with parameters after colons
    (人才库、批次、目标 named as the platform holds them)."""
    plain = all_items().get(name)
    if plain is not None:
        return plain
    head, *parameters = [part.strip() for part in name.replace("：", ":").split(":")]
    declared = PARAMETRISED.get(head)
    if declared is None or len(parameters) != declared[1] or not all(parameters):
        return None
    label, _count, make = declared
    if head.startswith("目标"):
        known = Target.objects.filter(name=parameters[0]).exists()
    elif len(parameters) == 2:
        known = PoolBatch.objects.filter(pool__name=parameters[0], name=parameters[1]).exists()
    else:
        known = _pool(parameters[0]) is not None
    return (label, make(*parameters)) if known else None


def all_items() -> dict[str, tuple[str, Callable[[Scope], object]]]:
    """The registry's own items and those the apps declare in their providers."""
    declared = {name: (item.label, item.compute) for name, item in data_items().items()}
    return {**ITEMS, **declared}


def available() -> list[tuple[str, str]]:
    plain = [(name, label) for name, (label, _) in all_items().items()]
    return plain + [(f"{head}:…", label) for head, (label, _n, _make) in PARAMETRISED.items()]


def compute(names, scope: Scope) -> dict[str, object]:
    """The value of each named item (None when the platform cannot give it)."""
    found = {name: lookup(name) for name in names}
    return {name: item[1](scope) for name, item in found.items() if item is not None}
