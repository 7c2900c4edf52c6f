"""Training figures for a period: per institution (branches counted in their head
institution) and for the city — classes (期), participants (人次), hours per participant,
and coverage (the share of registered talents trained in the period)."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Avg, Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rencai.orgs.models import FINANCIAL_KINDS, Organization, OrganizationKind
from rencai.talents.models import Talent
from rencai.training.models import Enrollment, Feedback, OwnTraining, TrainingClass, WatchProgress

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

HEADERS = [
    gettext_lazy("单位"),
    gettext_lazy("机构类型"),
    gettext_lazy("在库人才（人）"),
    gettext_lazy("参加办公室培训（人次）"),
    gettext_lazy("自办培训（期）"),
    gettext_lazy("自办培训（人次）"),
    gettext_lazy("视频学习认定（人次）"),
    gettext_lazy("培训总学时"),
    gettext_lazy("人均学时（每人次）"),
    gettext_lazy("受训人才（人）"),
    gettext_lazy("覆盖率（%）"),
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
            return _("%(year)s年") % {"year": self.start.year}
        return _("%(start)s至%(end)s") % {"start": f"{self.start:%Y-%m-%d}", "end": f"{self.end:%Y-%m-%d}"}


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
    #: How many talents were trained, when only counted (:func:`totals` for the city);
    #: None: ``len(trained)``.
    trained_count: int | None = None

    @property
    def trained_number(self) -> int:
        return len(self.trained) if self.trained_count is None else self.trained_count

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
        return (Decimal(self.trained_number) * 100 / self.registered).quantize(Decimal("0.1"))


@dataclass
class Table:
    rows: list[Row]
    total: Row
    office_classes: int
    period: Period
    #: False for :func:`totals`: the rows carry no office or video figures (the total does).
    attendance_by_row: bool = True


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


def by_institution(user, period: Period, kind: str = "", registered: Mapping[int, int] | None = None) -> Table:
    """The figures of each institution the user's figures are about (branches counted in
    their head institution) and their total.

    ``registered``, when given, is the number of active talents per organisation id as the
    caller already counted them for this user (the leader view's grouped count of the
    talents list): the same numbers, not counted a second time."""
    heads, rows, head_of, _every = _institutions(user, kind, registered)

    def row_for(organization_id: int) -> Row | None:
        head = head_of.get(organization_id)
        return rows.get(head) if head else None

    # Only the enrolments of talents under one of the heads are counted: the others are
    # not joined at all (a liaison's view reads its own institutions' talents only).
    attended = (
        _attended(period)
        .filter(talent__organization_id__in=list(head_of))
        .values_list("talent__organization_id", "talent_id", "hours")
    )
    for org_id, talent_id, hours in attended:
        if row := row_for(org_id):
            row.office_participants += 1
            row.hours += hours
            row.trained.add(talent_id)
    videos = (
        _videos(period)
        .filter(talent__organization_id__in=list(head_of))
        .values_list("talent__organization_id", "talent_id", "hours")
    )
    for org_id, talent_id, hours in videos:
        if row := row_for(org_id):
            row.video_credits += 1
            row.hours += hours
            row.trained.add(talent_id)
    _own(rows, head_of, period)
    ordered = sorted(rows.values(), key=lambda r: (-r.participants, r.organization.path))
    total = Row(Organization(name=_("合计")))
    for row in ordered:
        total.registered += row.registered
        total.office_participants += row.office_participants
        total.own_classes += row.own_classes
        total.own_participants += row.own_participants
        total.video_credits += row.video_credits
        total.hours += row.hours
        total.trained |= row.trained
    return Table(rows=ordered, total=total, office_classes=_office_classes(period), period=period)


def totals(user, period: Period, registered: Mapping[int, int] | None = None) -> Table:
    """:func:`by_institution`'s total, office classes and each institution's registered
    talents and own training, without reading which institution each trainee belongs to:
    the rows' office and video figures are left at zero (``attendance_by_row`` False) and
    the rows are in the order of their paths. What the leader view and a city document's
    figures need; a table ranking the institutions uses :func:`by_institution`.

    The attendance of the talents under the heads is counted directly when they are the
    smaller part of the organisations, else as all attendance less that of the talents of
    the other organisations (for the city: less the government units') — the same number,
    without joining every trainee to the registry; the total's trained talents are then
    counted by the database (``trained_count``), not listed."""
    heads, rows, head_of, every = _institutions(user, "", registered)
    _own(rows, head_of, period)
    total = Row(Organization(name=_("合计")))
    ordered = sorted(rows.values(), key=lambda r: r.organization.path)
    for row in ordered:
        total.registered += row.registered
        total.own_classes += row.own_classes
        total.own_participants += row.own_participants
        total.hours += row.hours
    inside = list(head_of)
    outside = [org_id for org_id in every if org_id not in head_of]
    attended, videos = _attended(period), _videos(period)
    if len(outside) < len(inside):
        # Everyone's attendance, summed by the database, less the others' (few rows).
        others = [_attendance(q.filter(talent__organization_id__in=outside)) for q in (attended, videos)]
        trainees = []
        for queryset, part, counter in zip(
            (attended, videos), others, ("office_participants", "video_credits"), strict=True
        ):
            summed = queryset.aggregate(n=Count("*"), h=Sum("hours"), d=Count("talent_id", distinct=True))
            setattr(total, counter, summed["n"] - part.count)
            total.hours += (summed["h"] or Decimal(0)) - part.hours
            trainees.append(summed["d"])
        total.trained_count = _trained(attended, videos, trainees) - len(others[0].talents | others[1].talents)
    else:
        for queryset, counter in ((attended, "office_participants"), (videos, "video_credits")):
            found = _attendance(queryset.filter(talent__organization_id__in=inside))
            setattr(total, counter, found.count)
            total.hours += found.hours
            total.trained |= found.talents
    return Table(
        rows=ordered, total=total, office_classes=_office_classes(period), period=period, attendance_by_row=False
    )


def _trained(attended, videos, trainees: list[int]) -> int:
    """The talents in either queryset, given each one's own count of talents: when one of
    them has none that is the other's count (already summed with its attendance), else the
    database counts their union."""
    if not all(trainees):
        return max(trainees)
    return int(attended.values("talent_id").union(videos.values("talent_id")).count())


@dataclass
class _Attendance:
    count: int
    hours: Decimal
    talents: set


def _attendance(queryset) -> _Attendance:
    """The count, hours and talents of ``queryset`` (enrolments or video credits), in one
    query grouped by talent."""
    found = _Attendance(0, Decimal(0), set())
    for talent_id, count, hours in queryset.values_list("talent_id").annotate(n=Count("*"), h=Sum("hours")):
        found.count += count
        found.hours += hours
        found.talents.add(talent_id)
    return found


def _attended(period: Period):
    """The office classes' enrolments of the period that earned hours."""
    return Enrollment.objects.filter(
        training_class__starts_on__range=(period.start, period.end), hours__gt=0
    ).order_by()


def _videos(period: Period):
    return WatchProgress.objects.filter(credited_on__range=(period.start, period.end)).order_by()


def _office_classes(period: Period) -> int:
    return TrainingClass.objects.filter(starts_on__range=(period.start, period.end)).count()


def _institutions(
    user, kind: str, registered: Mapping[int, int] | None
) -> tuple[list[Organization], dict[int, Row], dict[int, int], list[int]]:
    """The heads, a row for each with its registered talents, every organisation under a
    head → that head's id, and every organisation's id."""
    heads = heads_for(user, kind)
    rows = {h.pk: Row(h) for h in heads}
    every = list(Organization.objects.values_list("pk", "path"))  # one query, not one per head
    head_of = _head_map(heads, every)
    if registered is None:
        counted = (
            Talent.objects.filter(is_active=True, organization_id__in=list(head_of))
            .values_list("organization_id")
            .annotate(n=Count("*"))
        )
        registered = dict(counted)
    for org_id, count in registered.items():
        head = head_of.get(org_id)
        if head is not None:
            rows[head].registered += count
    return heads, rows, head_of, [org_id for org_id, _path in every]


def _own(rows: dict[int, Row], head_of: dict[int, int], period: Period) -> None:
    own = OwnTraining.objects.filter(starts_on__range=(period.start, period.end)).values_list(
        "organization_id", "sessions", "participants", "hours"
    )
    for org_id, sessions, participants, hours in own:
        head = head_of.get(org_id)
        if head is not None:
            row = rows[head]
            row.own_classes += sessions
            row.own_participants += participants
            row.hours += hours * participants


def _head_map(heads: list[Organization], every: list[tuple[int, str]]) -> dict[int, int]:
    """Every organisation id under one of ``heads`` → that head's id."""
    mapping = {}
    for head in heads:
        for org_id, path in every:
            if path.startswith(head.path):
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
            row.trained_number,
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
    sentence = _("%(period)s，%(units)s家金融机构组织各类人才工作培训共计%(classes)s期，培训人员%(people)s人次") % {
        "period": table.period,
        "units": financial[0],
        "classes": financial[1],
        "people": financial[2],
    }
    if others[0]:
        sentence += _("（另有%(units)s家其他单位组织%(classes)s期、%(people)s人次）") % {
            "units": others[0],
            "classes": others[1],
            "people": others[2],
        }
    return sentence + _(
        "；市金融工作办公室举办培训班%(office_classes)s期，参训%(office_people)s人次；"
        "人才管理讲堂视频学习认定%(videos)s人次。"
        "在库人才%(registered)s人，受训%(trained)s人，覆盖率%(coverage)s%%。"
    ) % {
        "office_classes": table.office_classes,
        "office_people": total.office_participants,
        "videos": total.video_credits,
        "registered": total.registered,
        "trained": total.trained_number,
        "coverage": total.coverage or 0,
    }


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
