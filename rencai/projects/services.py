"""What the projects do beyond plain records: the planned percentage of a task on a day,
its three-colour warning (computed, never typed) with the catch-up rule, the colour
history, and the supervision notices (督办单) a red warning issues.

Colour rules (``compute_colour``):

* red when the task is overdue, or when it has been behind its plan for longer than
  ``RENCAI_PROJECTS_YELLOW_GRACE_DAYS``;
* a red task stays red while it is behind, whatever reports arrive; once the shortfall
  is made up it steps down to yellow (not straight to normal), and from yellow to normal
  (or blue) on a later day when it is still on plan;
* yellow when the reported progress is behind the planned percentage for today
  (milestones interpolated linearly, 0% at the start, 100% at the due date);
* blue when the due date is within ``RENCAI_PROJECTS_BLUE_DAYS`` days;
* none otherwise, and for tasks not yet assigned or closed.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rencai.projects.models import (
    OPEN_TASK_STATES,
    Colour,
    ColourChange,
    Milestone,
    NoticeState,
    ProjectTask,
    SupervisionNotice,
    TaskState,
)


def blue_days() -> int:
    return int(getattr(settings, "RENCAI_PROJECTS_BLUE_DAYS", 7))


def grace_days() -> int:
    return int(getattr(settings, "RENCAI_PROJECTS_YELLOW_GRACE_DAYS", 14))


def planned_percent(task: ProjectTask, milestones: list[Milestone] | None, today: date) -> float:
    """The percentage the plan expects on ``today``: the milestones joined by straight
    lines, from 0% on the start to 100% on the due date."""
    points = [(task.starts_on, 0.0)]
    rows = milestones if milestones is not None else list(task.milestones.all())
    for m in sorted(rows, key=lambda m: m.planned_on):
        points.append((m.planned_on, float(m.planned_percent)))
    points.append((task.due_on, 100.0))
    if today <= points[0][0]:
        return 0.0
    if today >= points[-1][0]:
        return 100.0
    for (d0, p0), (d1, p1) in zip(points, points[1:], strict=False):
        if d0 <= today <= d1:
            span = (d1 - d0).days
            if span == 0:
                return p1
            return p0 + (p1 - p0) * (today - d0).days / span
    return 100.0


@dataclass(frozen=True)
class Warning:
    colour: str
    behind_since: date | None
    note: str


def compute_colour(task: ProjectTask, today: date, milestones: list[Milestone] | None = None) -> Warning:
    """The colour ``task`` has on ``today``, given the colour and behind-since it had."""
    if task.state not in OPEN_TASK_STATES:
        return Warning(Colour.NONE, None, _("任务未在办理中"))
    previous = task.colour
    planned = planned_percent(task, milestones, today)
    behind = task.progress < planned
    if task.due_on < today:
        return Warning(Colour.RED, task.behind_since or today, _("已超过完成时限"))
    if behind:
        since = task.behind_since or today
        if previous == Colour.RED:
            return Warning(Colour.RED, since, _("进度仍落后于计划，差距未补齐"))
        if (today - since).days > grace_days():
            return Warning(Colour.RED, since, _("黄色预警超过%(days)s天未消除") % {"days": grace_days()})
        return Warning(
            Colour.YELLOW, since, _("进度%(p)s%%落后于计划%(plan)s%%") % {"p": task.progress, "plan": round(planned)}
        )
    if previous == Colour.RED:
        return Warning(Colour.YELLOW, None, _("差距已补齐，由红色降为黄色"))
    if previous == Colour.YELLOW and task.behind_since is None and task.colour_since == today:
        return Warning(Colour.YELLOW, None, _("差距已补齐，由红色降为黄色"))
    if (task.due_on - today).days <= blue_days():
        return Warning(Colour.BLUE, None, _("距完成时限不足%(days)s天") % {"days": blue_days()})
    return Warning(Colour.NONE, None, _("进度正常"))


def _red_note(warning: Warning) -> str:
    return _("该任务已亮红色预警（%(note)s），请抓紧办理并反馈。") % {"note": warning.note}


def _apply(tasks: list[ProjectTask], today: date) -> int:
    """Give each of ``tasks`` its colour for ``today`` in a few statements: the changed
    tasks updated in bulk, one history row per change and a supervision notice for each
    task turning red that has none waiting to be signed (history and notices inserted in
    bulk, each with its audit entry). Returns how many changed colour."""
    from rencai.core.objects.writes import create_many

    moved: list[ProjectTask] = []
    history: list[ColourChange] = []
    reddened: list[tuple[ProjectTask, Warning]] = []
    for task in tasks:
        warning = compute_colour(task, today)
        changed = warning.colour != task.colour
        if not changed and warning.behind_since == task.behind_since:
            continue
        task.behind_since = warning.behind_since
        if changed:
            history.append(
                ColourChange(
                    task=task,
                    changed_on=today,
                    colour_from=task.colour,
                    colour_to=warning.colour,
                    note=warning.note[:200],
                )
            )
            task.colour, task.colour_since = warning.colour, today
            if warning.colour == Colour.RED:
                reddened.append((task, warning))
        moved.append(task)
    if not moved:
        return 0
    with transaction.atomic():
        # Not a user's edit: no version step, so an editor's open form stays valid.
        ProjectTask.objects.bulk_update(moved, ["colour", "colour_since", "behind_since"], batch_size=1000)
        create_many(ColourChange, history)
        waiting = set(
            SupervisionNotice.objects.filter(
                task_id__in=[t.pk for t, _w in reddened], state=NoticeState.SENT
            ).values_list("task_id", flat=True)
        )
        due = [(t, w) for t, w in reddened if t.pk not in waiting]
        if due:
            first = next_notice_number(today.year)
            notices = [
                SupervisionNotice(task=t, year=today.year, number=first + i, reason=_red_note(w), issued_on=today)
                for i, (t, w) in enumerate(due)
            ]
            create_many(SupervisionNotice, notices)
            for notice in notices:
                _tell_unit(notice)
    return len(history)


def recompute(task: ProjectTask, today: date | None = None) -> bool:
    """Give ``task`` its colour for ``today``, keeping the history; a task that turns
    red gets a supervision notice unless one is still waiting to be signed. Returns
    whether the colour changed."""
    return _apply([task], today or timezone.localdate()) > 0


def recompute_all(today: date | None = None, chunk: int = 2000) -> int:
    """Recompute every task that is open or still carries a colour, ``chunk`` tasks per
    transaction. Returns how many changed colour."""
    today = today or timezone.localdate()
    changed = 0
    tasks = ProjectTask.objects.filter(Q(state__in=OPEN_TASK_STATES) | ~Q(colour=Colour.NONE))
    batch: list[ProjectTask] = []
    for task in tasks.order_by("pk").prefetch_related("milestones").iterator(chunk_size=chunk):
        batch.append(task)
        if len(batch) >= chunk:
            changed += _apply(batch, today)
            batch = []
    return changed + _apply(batch, today)


def next_notice_number(year: int) -> int:
    last = SupervisionNotice.objects.select_for_update().filter(year=year).aggregate(n=Max("number"))["n"]
    return (last or 0) + 1


def issue_notice(task: ProjectTask, reason: str, today: date | None = None) -> SupervisionNotice:
    """A new supervision notice for ``task``, numbered on after the year's last one."""
    today = today or timezone.localdate()
    with transaction.atomic():
        notice = SupervisionNotice(
            task=task, year=today.year, number=next_notice_number(today.year), reason=reason, issued_on=today
        )
        notice.full_clean()
        notice.save()
        _tell_unit(notice)
    return notice


def _tell_unit(notice: SupervisionNotice) -> None:
    """The responsible unit's liaisons find the supervision notice in their message centre."""
    from django.urls import reverse

    from rencai.accounts.models import MessageKind
    from rencai.accounts.notices import liaisons_of, notify

    task = notice.task
    title = _("督办：%(task)s（%(reason)s）") % {"task": task, "reason": notice.reason[:60]}
    url = reverse("objects:supervision-notices-detail", args=[notice.pk])
    notify(liaisons_of(task.organization), title, kind=MessageKind.SUPERVISION, url=url)


def figure_conditions(today: date) -> dict[str, Q]:
    """What the per-unit figures count: tasks, by colour, closed on time, late (closed
    after the due date or open past it) and sent back at least once."""
    return {
        "total": Q(),
        "red": Q(colour=Colour.RED),
        "yellow": Q(colour=Colour.YELLOW),
        "blue": Q(colour=Colour.BLUE),
        "on_time": Q(state=TaskState.CLOSED, closed_on__lte=F("due_on")),
        "late": Q(state=TaskState.CLOSED, closed_on__gt=F("due_on")) | Q(state__in=OPEN_TASK_STATES, due_on__lt=today),
        "returned": Q(returned_count__gt=0),
    }


def unit_figures(tasks, fields: list[str], today: date | None = None) -> list[dict]:
    """The figures of ``tasks`` (already scoped) grouped by ``fields`` (for example the
    responsible unit), in one query: what the board shows and the target assessment of
    units can take."""
    conditions = figure_conditions(today or timezone.localdate())
    counts = {
        name: Count("pk", filter=condition) if condition else Count("pk") for name, condition in conditions.items()
    }
    return list(tasks.order_by().values(*fields).annotate(**counts).order_by("-total", *fields))
