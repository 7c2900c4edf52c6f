"""What the leader view shows, each figure with the list it counts."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext

from rencai.core import dataversion
from rencai.core.figures import (
    NULL_CHOICE,
    Block,
    Figure,
    Grouped,
    Period,
    grouped_counts,
    leader_blocks,
    list_count,
    named,
)
from rencai.core.roles import CITYWIDE_READERS, Role, role_of
from rencai.dashboards.data import Scope
from rencai.dashboards.models import Target
from rencai.dashboards.targets import progress
from rencai.orgs.models import OrganizationKind
from rencai.returns.models import ReturnPeriod
from rencai.returns.services import board
from rencai.selections.models import ApplicationState, Campaign, CampaignState
from rencai.talents.models import DictionaryEntry, DictionaryKind, PoolBatch, TalentPool


@dataclass
class LeaderData:
    period: Period
    scope: Scope
    categories: list = field(default_factory=list)
    tiers: list = field(default_factory=list)
    matrix: list = field(default_factory=list)  # (category, [Figure per tier], total Figure)
    blocks: list[Block] = field(default_factory=list)
    targets: list = field(default_factory=list)
    total: Figure | None = None

    @property
    def columns(self) -> list[str]:
        """The matrix's tier columns: each tier, then 未定层级 (so that a row adds up)."""
        return [t.name for t in self.tiers] + [gettext("未定层级")]


def entries(kind: str):
    return list(DictionaryEntry.objects.filter(kind=kind, enabled=True, parent__isnull=True).order_by("order", "code"))


def visibility_key(user) -> str | None:
    """What the figures a user sees depend on: the role, and below city level the
    organisation (a liaison) or the user (anyone else); None for a user without a role."""
    role = role_of(user)
    if role is None:
        return None
    if role in CITYWIDE_READERS:
        return f"{role}:city"
    if role == Role.LIAISON:
        return f"{role}:org{getattr(user, 'organization_id', '')}"
    return f"{role}:user{user.pk}"


def build(user, period: Period) -> LeaderData:
    """The leader view's figures, kept per role and scope, year and data version
    (:func:`rencai.core.dataversion.cached`): every leader sees the same page, a repeated
    view costs a look-up, and any write shows on the next one."""
    where = visibility_key(user)
    if where is None:
        return _build(user, period)

    def compute() -> LeaderData:
        data = _build(user, period)
        data.scope = Scope(user=None, period=period, organization=data.scope.organization)
        return data

    data = dataversion.cached("leader", f"{where}:{period.year}", compute)
    data.scope = Scope(user=user, period=period, organization=data.scope.organization)
    return data


def _build(user, period: Period) -> LeaderData:
    scope = Scope(user=user, period=period)
    data = LeaderData(
        period=period, scope=scope, categories=entries(DictionaryKind.CATEGORY), tiers=entries(DictionaryKind.TIER)
    )
    groups = scope.talent_groups()  # one query: the total, the matrix and the kinds add it up
    data.total = named("在库人才", groups.count())
    for category in data.categories:
        cells = [groups.count(category=category.pk, tier=tier.pk) for tier in data.tiers]
        cells.append(groups.count(category=category.pk, tier=NULL_CHOICE))
        data.matrix.append((category, cells, groups.count(category=category.pk)))
    kinds = Block("按机构类型")
    for value, label in OrganizationKind.choices:
        figure = groups.count(organization_kind=value)
        if figure.value:
            kinds.figures.append(named(label, figure))
    pools, memberships = _pools(user)
    data.blocks = [
        kinds,
        pools,
        _selections(user, period),
        _training(scope),
        _returns(user, period),
        _services(user),
        *leader_blocks(user, period),
    ]
    if role_of(user) in (Role.OFFICE, Role.LEADER):
        data.targets = [
            (t, progress(t, user, talents=groups, pools=memberships)) for t in Target.objects.select_related("entry")
        ]
    return data


def _pools(user) -> tuple[Block, Grouped]:
    """The block of the pools' current members, and their grouped count (the targets on a
    pool add it up too)."""
    active = grouped_counts("pool-memberships", user, ("pool", "batch"), status="active")  # one query
    block = Block("人才库在库成员")
    pools = list(TalentPool.objects.filter(is_active=True).order_by("name"))
    batches: dict[int, list[PoolBatch]] = {}
    for found in PoolBatch.objects.filter(pool__in=pools).order_by("term_start"):  # one query, not one per pool
        batches.setdefault(found.pool_id, []).append(found)
    for pool in pools:
        block.figures.append(named(pool.name, active.count(pool=pool.pk)))
        for batch in batches.get(pool.pk, []):
            figure = active.count(batch=batch.pk)
            if figure.value:
                block.figures.append(named(f"　{pool.name}·{batch.name}", figure))
    return block, active


def _selections(user, period: Period) -> Block:
    block = Block(f"{period}评选")
    block.figures.append(named("评选活动", list_count("campaigns", user, year=period.year)))
    decided = Campaign.objects.filter(year=period.year, state=CampaignState.DECIDED).order_by("id")
    winners = grouped_counts("applications", user, ("campaign",), state=ApplicationState.WINNER)
    for campaign in decided:
        block.figures.append(named(f"{campaign.name}当选", winners.count(campaign=campaign.pk)))
    return block


def _training(scope: Scope) -> Block:
    table = scope.training()
    url = f"{reverse('training:figures')}?{urlencode({'year': scope.period.year})}"
    return Block(
        f"{scope.period}培训",
        [
            Figure("市金融办培训班（期）", table.office_classes, url),
            Figure("参加市金融办培训（人次）", table.total.office_participants, url),
            Figure("机构自办培训（期）", table.total.own_classes, url),
            Figure("机构自办培训（人次）", table.total.own_participants, url),
            Figure("受训覆盖率（%）", table.total.coverage, url),
        ],
    )


def _returns(user, period: Period) -> Block:
    block = Block("统计报表报送")
    for return_period in ReturnPeriod.objects.filter(ends_on__year=period.year).select_related("form"):
        if role_of(user) in (Role.OFFICE, Role.LEADER):
            counts = board(return_period)[1]
            url = reverse("returns:board", args=[return_period.pk])
            block.figures.append(Figure(f"{return_period.form.name}应报", counts["total"], url))
            block.figures.append(Figure(f"{return_period.form.name}已报", counts["reported"], url))
        else:
            figure = list_count("submissions", user, q=return_period.label)
            block.figures.append(named(f"{return_period}", figure))
    return block


def _services(user) -> Block:
    return Block(
        "人才服务诉求",
        [
            named("未办结", list_count("service-requests", user, unfinished="true")),
            named("已逾期", list_count("service-requests", user, overdue="true")),
        ],
    )


def rows(data: LeaderData) -> list[list]:
    """The page's tables as rows of (part, item, value) for the Excel export."""
    assert data.total is not None  # build() sets it
    out = [["在库人才", "合计", data.total.value]]
    for category, cells, total in data.matrix:
        for column, figure in zip(data.columns, cells, strict=True):
            out.append(["人才类别×层级", f"{category.name}·{column}", figure.value])
        out.append(["人才类别×层级", f"{category.name}·合计", total.value])
    for block in data.blocks:
        out += [[block.title, f.label.strip("　"), "" if f.value is None else str(f.value)] for f in block.figures]
    for target, found in data.targets:
        out.append(["工作目标", f"{target.name}（目标{target.number}）", f"{found.current}（{found.mark}）"])
    return out


def charts(data: LeaderData) -> dict:
    return {
        "tiers": [
            [tier.name, sum(cells[i].value or 0 for _, cells, _ in data.matrix)] for i, tier in enumerate(data.tiers)
        ],
        "kinds": [[str(f.label), f.value or 0] for f in data.blocks[0].figures],
    }
