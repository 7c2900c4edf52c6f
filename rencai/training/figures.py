"""Training figures for a period: per institution (branches counted in their head
institution) and for the city — classes (期), participants (人次), hours per participant,
and coverage (the share of registered talents trained in the period)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Avg, Count, Q, Sum
from django.utils import timezone

from rencai.orgs.models import FINANCIAL_KINDS, Organization, OrganizationKind
from rencai.talents.models import Talent
from rencai.training.models import Enrollment, Feedback, OwnTraining, TrainingClass, WatchProgress

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

HEADERS = [
    "单位",
    "机构类型",
    "在库人才（人）",
    "参加办公室培训（人次）",
    "自办培训（期）",
    "自办培训（人次）",
    "视频学习认定（人次）",
    "培训总学时",
    "人均学时（每人次）",
    "受训人才（人）",
    "覆盖率（%）",
]


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @classmethod
    def from_query(cls, query) -> "Period":
        """``?year=2026`` (the default is this year) or ``?start=…&end=…``."""
        try:
            if query.get("start") and query.get("end"):
                return cls(date.fromisoformat(query["start"]), date.fromisoformat(query["end"]))
            year = int(query.get("year") or timezone.localdate().year)
            return cls(date(year, 1, 1), date(year, 12, 31))
        except ValueError:
            year = timezone.localdate().year
            return cls(date(year, 1, 1), date(year, 12, 31))

    def __str__(self) -> str:
        if (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31) and (
            self.start.year == self.end.year
        ):
            return f"{self.start.year}年"
        return f"{self.start:%Y-%m-%d}至{self.end:%Y-%m-%d}"


@dataclass
class Row:
    organization: Organization
    registered: int = 0
    office_participants: int = 0
    own_classes: int = 0
    own_participants: int = 0
    video_credits: int = 0
    hours: Decimal = Decimal(0)
    trained: set = field(default_factory=set)

    @property
    def participants(self) -> int:
        return self.office_participants + self.own_participants + self.video_credits

    @property
    def hours_per_participant(self) -> Decimal | None:
        return (self.hours / self.participants).quantize(Decimal("0.1")) if self.participants else None

    @property
    def coverage(self) -> Decimal | None:
        if not self.registered:
            return None
        return (Decimal(len(self.trained)) * 100 / self.registered).quantize(Decimal("0.1"))


@dataclass
class Table:
    rows: list[Row]
    total: Row
    office_classes: int
    period: Period


def institution_kinds() -> list[tuple[str, "StrOrPromise"]]:
    return list(OrganizationKind.choices)


def heads_for(user, kind: str = "") -> list[Organization]:
    """The institutions a user's figures are about: the tops of what they may see."""
    visible = Organization.objects.visible_to(user).exclude(kind="government")
    if kind:
        visible = visible.filter(kind=kind)
    organizations = list(visible.order_by("path"))
    paths = {o.path for o in organizations}
    return [o for o in organizations if not any(o.path != p and o.path.startswith(p) for p in paths)]


def by_institution(user, period: Period, kind: str = "") -> Table:
    heads = heads_for(user, kind)
    rows = {h.pk: Row(h) for h in heads}
    head_of = _head_map(heads)

    def row_for(organization_id: int) -> Row | None:
        head = head_of.get(organization_id)
        return rows.get(head) if head else None

    for org_id, count in Talent.objects.filter(is_active=True).values_list("organization_id").annotate(n=Count("id")):
        if row := row_for(org_id):
            row.registered += count
    attended = Enrollment.objects.filter(
        training_class__starts_on__range=(period.start, period.end), hours__gt=0
    ).values_list("talent__organization_id", "talent_id", "hours")
    for org_id, talent_id, hours in attended:
        if row := row_for(org_id):
            row.office_participants += 1
            row.hours += hours
            row.trained.add(talent_id)
    videos = WatchProgress.objects.filter(credited_on__range=(period.start, period.end)).values_list(
        "talent__organization_id", "talent_id", "hours"
    )
    for org_id, talent_id, hours in videos:
        if row := row_for(org_id):
            row.video_credits += 1
            row.hours += hours
            row.trained.add(talent_id)
    own = OwnTraining.objects.filter(starts_on__range=(period.start, period.end)).values_list(
        "organization_id", "sessions", "participants", "hours"
    )
    for org_id, sessions, participants, hours in own:
        if row := row_for(org_id):
            row.own_classes += sessions
            row.own_participants += participants
            row.hours += hours * participants
    ordered = sorted(rows.values(), key=lambda r: (-r.participants, r.organization.path))
    total = Row(Organization(name="合计"))
    for row in ordered:
        total.registered += row.registered
        total.office_participants += row.office_participants
        total.own_classes += row.own_classes
        total.own_participants += row.own_participants
        total.video_credits += row.video_credits
        total.hours += row.hours
        total.trained |= row.trained
    office_classes = TrainingClass.objects.filter(starts_on__range=(period.start, period.end)).count()
    return Table(rows=ordered, total=total, office_classes=office_classes, period=period)


def _head_map(heads: list[Organization]) -> dict[int, int]:
    """Every organisation id under one of ``heads`` → that head's id."""
    mapping = {}
    for head in heads:
        for org_id in Organization.objects.filter(path__startswith=head.path).values_list("pk", flat=True):
            mapping[org_id] = head.pk
    return mapping


def rows(table: Table) -> list[list]:
    def cells(row: Row, kind: str) -> list:
        return [
            row.organization.name,
            kind,
            row.registered,
            row.office_participants,
            row.own_classes,
            row.own_participants,
            row.video_credits,
            str(row.hours),
            str(row.hours_per_participant or ""),
            len(row.trained),
            str(row.coverage if row.coverage is not None else ""),
        ]

    return [*(cells(r, r.organization.get_kind_display()) for r in table.rows), cells(table.total, "")]


def own_training(table: Table, financial: bool = True) -> tuple[int, int, int]:
    """(organisers, classes, participants) of the own training of the financial
    institutions in ``table`` (or, with ``financial=False``, of the other units)."""
    rows = [r for r in table.rows if (r.organization.kind in FINANCIAL_KINDS) == financial]
    organisers = [r for r in rows if r.own_classes]
    return len(organisers), sum(r.own_classes for r in organisers), sum(r.own_participants for r in organisers)


def city_sentence(table: Table) -> str:
    """The sentence officials write, from the figures: N家金融机构组织…共计M期，培训人员K人次."""
    financial = own_training(table)
    others = own_training(table, financial=False)
    total = table.total
    sentence = (
        f"{table.period}，{financial[0]}家金融机构组织各类人才工作培训共计{financial[1]}期，培训人员{financial[2]}人次"
    )
    if others[0]:
        sentence += f"（另有{others[0]}家其他单位组织{others[1]}期、{others[2]}人次）"
    return sentence + (
        f"；市金融工作办公室举办培训班{table.office_classes}期，参训{total.office_participants}人次；"
        f"人才管理讲堂视频学习认定{total.video_credits}人次。"
        f"在库人才{total.registered}人，受训{len(total.trained)}人，覆盖率{total.coverage or 0}%。"
    )


def talent_hours(talent, year: int) -> Decimal:
    classes = Enrollment.objects.filter(talent=talent, training_class__starts_on__year=year).aggregate(h=Sum("hours"))
    videos = WatchProgress.objects.filter(talent=talent, credited_on__year=year).aggregate(h=Sum("hours"))
    return ((classes["h"] or Decimal(0)) + (videos["h"] or Decimal(0))).quantize(Decimal("0.1"))


def class_ratings(klass: TrainingClass) -> dict | None:
    found = Feedback.objects.filter(training_class=klass).aggregate(
        content=Avg("content_rating"),
        lecturer=Avg("lecturer_rating"),
        organisation=Avg("organisation_rating"),
        n=Count("id"),
    )
    if not found["n"]:
        return None
    return {k: (round(v, 1) if k != "n" else v) for k, v in found.items()}


def lecturer_ratings(lecturer) -> dict | None:
    found = (
        Feedback.objects.filter(Q(training_class__lecturers=lecturer) | Q(training_class__sessions__lecturer=lecturer))
        .distinct()
        .aggregate(avg=Avg("lecturer_rating"), n=Count("id", distinct=True))
    )
    if not found["n"]:
        return None
    return {"avg": round(found["avg"], 1), "n": found["n"]}
