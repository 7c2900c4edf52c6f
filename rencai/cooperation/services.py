"""Domain writes and computed figures of cooperation: the chair rotation rule and its
handover, agreement renewals, and participation per member unit."""

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rencai.cooperation.models import (
    Agreement,
    AgreementArea,
    AgreementProject,
    Alliance,
    AllianceMember,
    ChairState,
    ChairTerm,
    JointActivity,
    Secondment,
    SecondmentState,
)
from rencai.core.errors import Conflict, Refused


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months``; past the last representable date an OverflowError
    (which pages and the API answer as bad input, 400)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if not 1 <= year <= 9999:
        raise OverflowError("date out of range")
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def term_end(starts_on: date, months: int) -> date:
    """The last day of a term of ``months`` starting on ``starts_on``."""
    return add_months(starts_on, months) - timedelta(days=1)


def current_term(alliance: Alliance, on: date | None = None) -> ChairTerm | None:
    """The chair in office: the serving term, else the term whose period holds ``on``."""
    on = on or timezone.localdate()
    terms = alliance.terms.select_related("member__organization")
    serving = terms.filter(state=ChairState.SERVING).order_by("-term_number").first()
    return serving or terms.filter(starts_on__lte=on, ends_on__gte=on).first()


def members_in_rotation(alliance: Alliance, on: date) -> list[AllianceMember]:
    members = alliance.members.select_related("organization").order_by("rotation_order")
    return [m for m in members if m.is_member_on(on)]


def next_chair(alliance: Alliance, after: ChairTerm | None = None) -> tuple[AllianceMember | None, date, date]:
    """Who chairs next by the rule, and the next term's dates: the member after the current
    chair in the rotation order (from the first again after the last), among those who are
    members when the next term starts; members who left are skipped."""
    after = after if after is not None else current_term(alliance)
    if after is None:
        last = alliance.terms.order_by("-term_number").first()
        after = last
    starts = after.ends_on + timedelta(days=1) if after else max(alliance.founded_on, timezone.localdate())
    ends = term_end(starts, alliance.term_months)
    rotation = members_in_rotation(alliance, starts)
    if not rotation:
        return None, starts, ends
    if after is None:
        return rotation[0], starts, ends
    later = [m for m in rotation if m.rotation_order > after.member.rotation_order]
    return (later[0] if later else rotation[0]), starts, ends


def start_rotation(alliance: Alliance, starts_on: date) -> ChairTerm:
    """The first term: the first member in rotation order chairs from ``starts_on``."""
    if alliance.terms.exists():
        raise Conflict(_("该联盟已开始轮值，请在当届任期届满时办理交接。"))
    if not 1900 <= starts_on.year <= 2100:
        raise Refused(_("任期开始日期不在合理范围内。"))
    rotation = members_in_rotation(alliance, starts_on)
    if not rotation:
        raise Refused(_("该日期联盟尚无成员单位，不能开始轮值。"))
    term = ChairTerm(
        alliance=alliance,
        member=rotation[0],
        term_number=1,
        starts_on=starts_on,
        ends_on=term_end(starts_on, alliance.term_months),
    )
    term.full_clean()
    term.save()
    return term


def hand_over(term: ChairTerm, note: str, on: date | None = None) -> ChairTerm:
    """Close ``term`` at its end and open the next one for the next member by the rule."""
    on = on or timezone.localdate()
    if term.state != ChairState.SERVING:
        raise Conflict(_("该届已交接。"))
    if on < term.ends_on:
        raise Refused(_("本届任期至%(end)s届满，届满后方可交接。") % {"end": term.ends_on})
    member, starts, ends = next_chair(term.alliance, after=term)
    if member is None:
        raise Refused(_("下一届任期开始时联盟没有在盟成员单位，不能交接。"))
    with transaction.atomic():
        term.state = ChairState.HANDED_OVER
        term.handed_over_on = on
        term.handover_note = note
        term.version += 1
        term.save()
        successor = ChairTerm(
            alliance=term.alliance, member=member, term_number=term.term_number + 1, starts_on=starts, ends_on=ends
        )
        successor.full_clean()
        successor.save()
    return successor


def renew(agreement: Agreement, ends_on: date, signed_on: date) -> Agreement:
    """A renewal: a new agreement from the day after the old one ends, with the same areas
    and projects."""
    if Agreement.objects.filter(renewed_from=agreement).exists():
        raise Conflict(_("该协议已续签。"))
    if agreement.ends_on.year >= 9999:
        raise Refused(_("原协议到期日不在合理范围内。"))
    starts = agreement.ends_on + timedelta(days=1)
    if ends_on < starts:
        raise Refused(_("续签后的到期日须晚于原协议到期日（%(end)s）。") % {"end": agreement.ends_on})
    renewal = Agreement(
        university=agreement.university,
        title=agreement.title
        if "续签" in agreement.title
        else f"{agreement.title}（续签）",  # i18n: stored (the renewed agreement's title)
        parties=agreement.parties,
        signed_on=signed_on,
        starts_on=starts,
        ends_on=ends_on,
        max_interns=agreement.max_interns,
        renewed_from=agreement,
        notes=agreement.notes,
    )
    renewal.full_clean()
    renewal.save()
    for area in agreement.areas.all():
        copy = AgreementArea.objects.create(agreement=renewal, name=area.name, order=area.order)
        for project in area.projects.all():
            AgreementProject.objects.create(
                area=copy, name=project.name, description=project.description, lead_unit=project.lead_unit
            )
    return renewal


# --- participation ------------------------------------------------------------------------


@dataclass
class UnitRow:
    member: AllianceMember
    organised: int = 0
    co_organised: int = 0
    participants: int = 0
    activities: set[int] = field(default_factory=set)

    @property
    def took_part(self) -> int:
        return len(self.activities)


def participation(activities, members: list[AllianceMember]) -> list[UnitRow]:
    """Per member unit: activities organised, co-organised, taken part in (by its talents
    or as an organiser), and the number of its talents' participations. A talent counts
    for the member unit whose tree holds their institution."""
    rows = {m.pk: UnitRow(m) for m in members}
    by_path = sorted(((m.organization.path, m.pk) for m in members), key=lambda pair: -len(pair[0]))
    activity_list = list(activities.prefetch_related("co_organisers", "participants__organization"))
    for activity in activity_list:
        if activity.organiser_id in rows:
            rows[activity.organiser_id].organised += 1
            rows[activity.organiser_id].activities.add(activity.pk)
        for co in activity.co_organisers.all():
            if co.pk in rows:
                rows[co.pk].co_organised += 1
                rows[co.pk].activities.add(activity.pk)
        for talent in activity.participants.all():
            unit = unit_of(talent.organization.path, by_path, activity.alliance_id, rows)
            if unit is not None:
                rows[unit].participants += 1
                rows[unit].activities.add(activity.pk)
    return list(rows.values())


def unit_of(path: str, by_path: list[tuple[str, int]], alliance_id: int, rows: dict[int, UnitRow]) -> int | None:
    for member_path, pk in by_path:
        if path.startswith(member_path) and rows[pk].member.alliance_id == alliance_id:
            return pk
    return None


def participants_by_unit(activity: JointActivity) -> list[tuple[str, int]]:
    """(member unit, number of its talents) of one activity, in rotation order."""
    members = list(activity.alliance.members.select_related("organization").order_by("rotation_order"))
    by_path = sorted(((m.organization.path, m.pk) for m in members), key=lambda pair: -len(pair[0]))
    counts: dict[int, int] = defaultdict(int)
    for talent in activity.participants.select_related("organization"):
        for path, pk in by_path:
            if talent.organization.path.startswith(path):
                counts[pk] += 1
                break
    return [(str(m.organization), counts[m.pk]) for m in members if counts[m.pk]]


def member_units_of(talents: Any, alliance: Alliance, on: date) -> list[str]:
    """Names of the talents who do not belong to a unit that is a member on ``on``."""
    paths = [m.organization.path for m in alliance.members.select_related("organization") if m.is_member_on(on)]
    return [str(t) for t in talents if not any(t.organization.path.startswith(p) for p in paths)]


# --- secondments --------------------------------------------------------------------------


def awaiting_evaluation(queryset):
    return queryset.filter(ends_on__lt=timezone.localdate()).exclude(state=SecondmentState.EVALUATED)


def receives(secondment: Secondment, user: Any) -> bool:
    """The receiving unit (its liaison) or the office evaluates a secondment."""
    from rencai.core.roles import Role, role_of

    if role_of(user) == Role.OFFICE:
        return True
    organization = getattr(user, "organization", None)
    return organization is not None and secondment.to_unit.path.startswith(organization.path)
