"""What the assessment gives other parts: the leader view's block (the demonstration sites
against the five-year target with the targets' on-track/behind mark, and the year's
assessment results), document data items, and to-dos."""

from django.utils.translation import gettext as _

from rencai.assessment.models import AssessmentState, DemonstrationSite, Grade, SiteProgramme, SiteState
from rencai.assessment.services import programme_progress
from rencai.core.figures import Block, Figure, ItemScope, Period, data_item, leader_block_provider, list_count, named
from rencai.core.roles import CITYWIDE_READERS, OFFICE_AND_LIAISONS, Role, role_of
from rencai.core.todos import Todo, todo_provider


def current_programme(year: int) -> SiteProgramme | None:
    """The programme whose years hold ``year``, else the latest."""
    programmes = SiteProgramme.objects.order_by("-start_year", "-id")
    return programmes.filter(start_year__lte=year, end_year__gte=year).first() or programmes.first()


@leader_block_provider(order=50)
def assessment_block(user, period: Period) -> Block | None:
    if role_of(user) not in CITYWIDE_READERS:
        return None
    figures: list[Figure] = []
    programme = current_programme(period.year)
    if programme is not None:
        found = programme_progress(programme, user)
        figures.append(
            Figure(
                _("已命名示范点（目标%(number)s个，%(start)s—%(end)s年，%(mark)s）")
                % {
                    "number": programme.number,
                    "start": programme.start_year,
                    "end": programme.end_year,
                    "mark": found.mark,
                },
                found.current,
                found.url,
            )
        )
        figures.append(
            named(
                _("%(year)s年命名示范点") % {"year": period.year},
                list_count("demonstration-sites", user, programme=programme.pk, accepted_year=period.year),
            )
        )
        figures.append(
            named(
                _("创建中示范点"),
                list_count("demonstration-sites", user, programme=programme.pk, state=SiteState.BUILDING),
            )
        )
    figures.append(
        named(
            _("%(year)s年参加目标考核单位") % {"year": period.year},
            list_count("unit-assessments", user, year=period.year),
        )
    )
    figures.append(
        named(_("考核优秀单位"), list_count("unit-assessments", user, year=period.year, grade=Grade.EXCELLENT))
    )
    return Block(_("目标考核与示范点"), figures)


def _site_count(scope: ItemScope) -> int | None:
    programme = current_programme(scope.period.year)
    if programme is None:
        return None
    query: dict = {"programme": programme.pk, "state": SiteState.ACCEPTED}
    figure = list_count("demonstration-sites", scope.user, **query)
    if scope.organization is None:
        return figure.value
    from rencai.core.objects import registered

    config = registered()["demonstration-sites"]
    if not config.can_view(scope.user):
        return None
    return (
        config.visible(scope.user)
        .filter(programme=programme, state=SiteState.ACCEPTED, organization__path__startswith=scope.organization.path)
        .count()
    )


@data_item("示范点累计数", "累计创建（验收命名）的人才工作示范点数")
def sites_item(scope: ItemScope) -> object:
    return _site_count(scope)


@data_item("示范点创建情况", "累计创建人才工作示范点N个")
def sites_sentence(scope: ItemScope) -> object:
    count = _site_count(scope)
    return None if count is None else f"累计创建人才工作示范点{count}个"  # i18n: document


@data_item("考核优秀单位数", "年度人才工作目标考核优秀单位数")
def excellent_item(scope: ItemScope) -> object:
    if scope.organization is not None:
        return None
    return list_count("unit-assessments", scope.user, year=scope.period.year, grade=Grade.EXCELLENT).value


@todo_provider
def assessment_todos(user) -> list[Todo]:
    role = role_of(user)
    if role not in OFFICE_AND_LIAISONS:
        return []
    todos = []
    if role == Role.LIAISON:
        drafts = list_count("unit-assessments", user, state=AssessmentState.DRAFT)
        if drafts.value:
            todos.append(Todo(_("%(n)s 项目标考核待自评") % {"n": drafts.value}, drafts.url, drafts.value))
        todos += _site_reminder(user)
    else:
        submitted = list_count("unit-assessments", user, state=AssessmentState.SUBMITTED)
        if submitted.value:
            todos.append(
                Todo(_("%(n)s 个单位的考核自评待审核") % {"n": submitted.value}, submitted.url, submitted.value)
            )
        proposed = list_count("demonstration-sites", user, state=SiteState.PROPOSED)
        if proposed.value:
            todos.append(Todo(_("%(n)s 个示范点申报待审批") % {"n": proposed.value}, proposed.url, proposed.value))
    return todos


def _site_reminder(user) -> list[Todo]:
    """每年每个部门必须建设1—2个: a unit below the yearly minimum is reminded to propose."""
    from django.urls import reverse
    from django.utils import timezone

    year = timezone.localdate().year
    programme = current_programme(year)
    organization = getattr(user, "organization", None)
    if programme is None or organization is None or not programme.start_year <= year <= programme.end_year:
        return []
    proposed = (
        DemonstrationSite.objects.filter(programme=programme, year=year, organization=organization)
        .exclude(state=SiteState.REJECTED)
        .count()
    )
    missing = programme.quota_min - proposed
    if missing <= 0:
        return []
    title = _("本单位%(year)s年尚需申报人才工作示范点%(n)s个（每年%(min)s—%(max)s个）") % {
        "year": year,
        "n": missing,
        "min": programme.quota_min,
        "max": programme.quota_max,
    }
    return [Todo(title, reverse("objects:demonstration-sites-create"), missing, "info")]
