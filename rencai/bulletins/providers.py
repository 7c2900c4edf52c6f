"""What the information desk gives other parts: its block of the leader view, its document
data items, and the to-dos of overdue commissions (约稿) and open instructions (批示)."""

from django.utils.translation import gettext as _

from rencai.bulletins.models import Adoption, InstructionState, IssueState, current_liaisons
from rencai.bulletins.scores import yearly_score
from rencai.core.figures import Block, Figure, ItemScope, Period, data_item, leader_block_provider, list_count, named
from rencai.core.roles import CITYWIDE_READERS, Role, role_of
from rencai.core.todos import Todo, todo_provider


def liaison_count(user) -> Figure:
    return named(_("联络员"), list_count("liaisons", user, current="true"))


def issue_count(user, year: int) -> Figure:
    return named(
        _("%(year)s年印发刊物期数") % {"year": year},
        list_count("periodical-issues", user, year=year, state="published"),
    )


@leader_block_provider(order=60)
def bulletins_block(user, period: Period) -> Block | None:
    """联络员N名, the year's issues, adopted items and open instructions."""
    if role_of(user) not in CITYWIDE_READERS:
        return None
    liaisons = liaison_count(user)
    block = Block(
        _("信息报送"),
        [
            Figure(_("联络员%(n)s名") % {"n": liaisons.value}, liaisons.value, liaisons.url),
            issue_count(user, period.year),
            named(
                _("%(year)s年采用信息（条）") % {"year": period.year},
                list_count("info-items", user, year=period.year, state="published"),
            ),
            named(_("待反馈的领导批示"), list_count("instructions", user, state=InstructionState.OPEN)),
            named(_("逾期未交的约稿"), list_count("commissions", user, overdue="true")),
        ],
    )
    return block


@data_item("联络员人数", "在任人才工作联络员人数")
def liaisons_item(scope: ItemScope):
    queryset = current_liaisons()
    if scope.organization is not None:
        queryset = queryset.filter(organization__path__startswith=scope.organization.path)
    return queryset.count()


@data_item("刊物期数", "年度印发刊物期数")
def issues_item(scope: ItemScope):
    if scope.organization is not None:
        return None
    return list_count("periodical-issues", scope.user, year=scope.period.year, state=IssueState.PUBLISHED).value


@data_item("信息采用篇次", "年度信息被刊物采用篇次")
def adoptions_item(scope: ItemScope):
    adoptions = Adoption.objects.filter(issue__state=IssueState.PUBLISHED, issue__year=scope.period.year)
    if scope.organization is not None:
        adoptions = adoptions.filter(item__organization__path__startswith=scope.organization.path)
    return adoptions.count()


@data_item("信息工作得分", "单位年度信息工作得分")
def score_item(scope: ItemScope):
    if scope.organization is None:
        return None
    return yearly_score(scope.organization, scope.period.year)


@todo_provider
def bulletins_todos(user) -> list[Todo]:
    """Overdue commissions and open instructions: the office sees all, a liaison their unit's."""
    if role_of(user) not in (Role.OFFICE, Role.LIAISON, Role.LEADER):
        return []
    todos = []
    overdue = list_count("commissions", user, overdue="true")
    if overdue.value and role_of(user) != Role.LEADER:
        todos.append(Todo(_("逾期未交的约稿"), overdue.url, overdue.value, "danger"))
    open_instructions = list_count("instructions", user, state=InstructionState.OPEN)
    if open_instructions.value:
        todos.append(Todo(_("待反馈的领导批示"), open_instructions.url, open_instructions.value))
    if role_of(user) == Role.OFFICE:
        pending = list_count("info-items", user, state="submitted")
        if pending.value:
            todos.append(Todo(_("待审核的报送信息"), pending.url, pending.value))
    return todos


@todo_provider
def leader_reading(user) -> list[Todo]:
    """Items the office passed to the leaders (呈阅), not yet instructed on."""
    if role_of(user) != Role.LEADER:
        return []
    from rencai.bulletins.models import InfoItem

    waiting = InfoItem.objects.filter(passed_to_leader_at__isnull=False, instructions__isnull=True).count()
    if not waiting:
        return []
    return [Todo(_("呈阅领导的信息"), list_count("info-items", user, passed="true").url, waiting, "info")]
