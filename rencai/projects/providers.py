"""What the projects give other parts: the leader view's block of tasks by colour (each
figure counted through the task list it links to), the document data items, and the
to-dos of units (tasks to sign for, notices to sign, instructions to answer) and of the
office (feedback to review)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from rencai.core.figures import Block, Count, ItemScope, Period, data_item, leader_block_provider, list_count, named
from rencai.core.objects import registered
from rencai.core.roles import STAFF_AND_LIAISONS, Role, role_of
from rencai.core.todos import Todo, todo_provider
from rencai.projects.models import Colour, InstructionState, NoticeState, TaskState


@leader_block_provider(order=40)
def tasks_by_colour(user, period: Period) -> Block | None:
    if role_of(user) not in STAFF_AND_LIAISONS:
        return None
    figures = [named(_("工程任务总数"), list_count("project-tasks", user))]
    for colour in (Colour.RED, Colour.YELLOW, Colour.BLUE):
        figures.append(named(Colour(colour).label, list_count("project-tasks", user, colour=colour)))
    figures.append(named(_("领导关注任务"), list_count("project-tasks", user, leader_attention="true")))
    figures.append(named(_("逾期未办结"), list_count("project-tasks", user, overdue="true")))
    figures.append(named(_("待签收督办单"), list_count("supervision-notices", user, state=NoticeState.SENT)))
    return Block(_("人才工程任务预警"), figures)


def _scoped_count(scope: ItemScope, slug: str, **query) -> int | None:
    """A count of a list for the scope's user, narrowed to one institution's tasks when the
    scope names one."""
    if scope.organization is not None and slug == "project-tasks":
        query["organization"] = scope.organization.pk
    figure: Count = list_count(slug, scope.user, **query)
    return figure.value


@data_item("人才工程项目数", "实施的人才工程项目数")
def project_count(scope: ItemScope) -> int | None:
    if scope.organization is not None:
        return None
    config = registered()["talent-projects"]
    if not config.can_view(scope.user):
        return None
    return (
        config.visible(scope.user).filter(starts_year__lte=scope.period.year, ends_year__gte=scope.period.year).count()
    )


@data_item("人才工程任务数", "人才工程分解任务数")
def task_count(scope: ItemScope) -> int | None:
    return _scoped_count(scope, "project-tasks")


@data_item("人才工程按期办结数", "人才工程任务按期办结数")
def on_time_count(scope: ItemScope) -> int | None:
    return _scoped_count(scope, "project-tasks", on_time="true")


@data_item("人才工程逾期数", "人才工程任务逾期（未办结或逾期办结）数")
def overdue_count(scope: ItemScope) -> int | None:
    open_late = _scoped_count(scope, "project-tasks", overdue="true")
    closed_late = _scoped_count(scope, "project-tasks", late="true")
    if open_late is None or closed_late is None:
        return None
    return open_late + closed_late


@todo_provider
def project_todos(user) -> list[Todo]:
    role = role_of(user)
    if role not in STAFF_AND_LIAISONS:
        return []
    todos = []
    tasks = reverse("objects:project-tasks-list")
    if role == Role.LIAISON:
        for count, title, url, level in (
            (
                list_count("project-tasks", user, state=TaskState.ASSIGNED).value,
                _("%(n)s 项人才工程任务待签收"),
                f"{tasks}?state=assigned",
                "warning",
            ),
            (
                list_count("supervision-notices", user, state=NoticeState.SENT).value,
                _("%(n)s 份督办单待签收"),
                reverse("objects:supervision-notices-list") + "?state=sent",
                "danger",
            ),
            (
                list_count("task-instructions", user, state=InstructionState.OPEN).value,
                _("%(n)s 条领导批示待答复"),
                reverse("objects:task-instructions-list") + "?state=open",
                "warning",
            ),
        ):
            if count:
                todos.append(Todo(title % {"n": count}, url, count, level))
    if role == Role.OFFICE:
        count = list_count("project-tasks", user, state=TaskState.REPORTED).value
        if count:
            todos.append(Todo(_("%(n)s 项人才工程任务待复核") % {"n": count}, f"{tasks}?state=reported", count))
        late = list_count("project-tasks", user, sign_overdue="true").value
        if late:
            todos.append(Todo(_("%(n)s 项人才工程任务超期未签收") % {"n": late}, f"{tasks}?sign_overdue=true", late))
    red = list_count("project-tasks", user, colour=Colour.RED).value
    if red:
        todos.append(Todo(_("%(n)s 项人才工程任务红色预警") % {"n": red}, f"{tasks}?colour=red", red, "danger"))
    return todos
