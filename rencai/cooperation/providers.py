"""What cooperation gives other parts: the secondments on a talent's profile, the outreach
lectures on a lecturer's page, the to-dos (a term ended without its evaluation, a chair
term due for handover), the leader view's block and the documents' data items.

Every figure is counted through the list it links to (``list_count``), so the figure and
the list agree."""

from django.utils import timezone
from django.utils.translation import gettext as _

from rencai.cooperation.models import ChairState, ChairTerm, LectureState, OutreachLecture, Secondment
from rencai.cooperation.services import awaiting_evaluation
from rencai.core.figures import (
    Block,
    Count,
    Figure,
    ItemScope,
    Period,
    data_item,
    leader_block_provider,
    list_count,
    named,
)
from rencai.core.objects import Section, registered, related_sections, section_provider
from rencai.core.roles import CITYWIDE_READERS, OFFICE_AND_LIAISONS, Role, role_of
from rencai.core.todos import Todo, todo_provider


@section_provider("talents")
def talent_secondments(talent, user) -> list[Section]:
    """The talent's career record shows their secondments (挂职经历)."""
    return related_sections(
        [(_("挂职交流经历"), Secondment, ["from_unit", "to_unit", "post", "starts_on", "ends_on", "state", "grade"])],
        user,
        talent=talent.pk,
    )


@section_provider("lecturers")
def lecturer_outreach(lecturer, user) -> list[Section]:
    sections = related_sections(
        [(_("讲师团宣讲"), OutreachLecture, ["topic", "requesting_unit", "held_on", "attendance", "rating", "state"])],
        user,
        lecturer=lecturer.pk,
    )
    if sections:
        held = registered()["outreach-lectures"].visible(user).filter(lecturer=lecturer, state=LectureState.HELD)
        audience = sum(lecture.attendance or 0 for lecture in held)
        sections[0].notes.append(_("已宣讲%(n)s场，听讲%(people)s人次。") % {"n": held.count(), "people": audience})
    return sections


@todo_provider
def cooperation_todos(user) -> list[Todo]:
    role = role_of(user)
    if role not in OFFICE_AND_LIAISONS:
        return []
    todos = []
    waiting = awaiting_evaluation(registered()["secondments"].visible(user))
    if role == Role.LIAISON:
        waiting = waiting.filter(to_unit__path__startswith=user.organization.path)
    count = waiting.count()
    if count:
        todos.append(Todo(_("%(n)s 人挂职期满尚未评价") % {"n": count}, "/o/secondments/?awaiting=true", count))
    if role == Role.OFFICE:
        due = ChairTerm.objects.filter(state=ChairState.SERVING, ends_on__lt=timezone.localdate()).count()
        if due:
            todos.append(Todo(_("%(n)s 个联盟轮值主席任期届满待交接") % {"n": due}, "/o/chair-terms/", due))
    return todos


# --- figures ------------------------------------------------------------------------------


def members(user) -> Count:
    return list_count("alliance-members", user, current="true")


def activities(user, year: int) -> Count:
    return list_count("joint-activities", user, year=year)


def secondments(user, year: int) -> Count:
    return list_count("secondments", user, year=year)


def topics(user, year: int) -> Count:
    return list_count("research-topics", user, year=year)


def agreements(user, year: int) -> Count:
    return list_count("agreements", user, year=year)


def universities(user, year: int) -> Figure:
    """Universities with an agreement in force in ``year``: the rows of the agreements
    list with the same filter, counted by university (a renewal is the same university).
    Shown without a link, since the list it would open counts agreements, not universities."""
    if agreements(user, year).value is None:
        return Figure(_("合作高校"), None, "")
    config = registered()["agreements"]
    assert config.filterset_class is not None
    queryset = config.filterset_class({"year": str(year)}, queryset=config.visible(user)).qs
    return Figure(_("合作高校"), queryset.values("university").distinct().count(), "")


def alliance_sentence(user, year: int) -> str | None:
    n, m = members(user).value, activities(user, year).value
    if n is None or m is None:
        return None
    return _("联盟成员单位%(n)s家，开展联合活动%(m)s次") % {"n": n, "m": m}


def secondment_sentence(user, year: int) -> str | None:
    n = secondments(user, year).value
    return None if n is None else _("选派挂职%(n)s人次") % {"n": n}


def university_sentence(user, year: int) -> str | None:
    n, m = universities(user, year).value, topics(user, year).value
    if n is None or m is None:
        return None
    return _("与%(n)s所高校签订合作协议，设立课题%(m)s项") % {"n": n, "m": m}


@leader_block_provider(order=60)
def cooperation_block(user, period: Period) -> Block | None:
    if role_of(user) not in CITYWIDE_READERS | {Role.LIAISON}:
        return None
    year = period.year
    return Block(
        _("党建联盟与交流合作"),
        [
            named(_("联盟成员单位（家）"), members(user)),
            named(_("联合活动（次）"), activities(user, year)),
            named(_("选派挂职（人次）"), secondments(user, year)),
            named(_("合作高校（所）"), universities(user, year)),
            named(_("院校合作协议（份）"), agreements(user, year)),
            named(_("合作课题（项）"), topics(user, year)),
        ],
    )


def _city(scope: ItemScope) -> bool:
    return scope.organization is None


@data_item("党建联盟情况", "联盟成员单位N家，开展联合活动M次")
def alliance_item(scope: ItemScope) -> object:
    return alliance_sentence(scope.user, scope.period.year) if _city(scope) else None


@data_item("挂职交流情况", "选派挂职N人次")
def secondment_item(scope: ItemScope) -> object:
    return secondment_sentence(scope.user, scope.period.year) if _city(scope) else None


@data_item("院校合作情况", "与N所高校签订合作协议，设立课题M项")
def university_item(scope: ItemScope) -> object:
    return university_sentence(scope.user, scope.period.year) if _city(scope) else None


@data_item("联盟成员单位数", "党建联盟成员单位数（家）")
def members_item(scope: ItemScope) -> object:
    return members(scope.user).value if _city(scope) else None


@data_item("联合活动次数", "党建联盟联合活动次数")
def activities_item(scope: ItemScope) -> object:
    return activities(scope.user, scope.period.year).value if _city(scope) else None


@data_item("挂职人次", "选派挂职交流人次")
def secondments_item(scope: ItemScope) -> object:
    return secondments(scope.user, scope.period.year).value if _city(scope) else None


@data_item("合作高校数", "签订合作协议的高校数")
def universities_item(scope: ItemScope) -> object:
    return universities(scope.user, scope.period.year).value if _city(scope) else None


@data_item("合作课题数", "与高校合作设立的课题数")
def topics_item(scope: ItemScope) -> object:
    return topics(scope.user, scope.period.year).value if _city(scope) else None
