"""The projects' own pages: the board (per project or all, by colour, unit and leader,
with per-unit figures), the Gantt-style timeline of a project, and the supervision
notice as a Word document."""

import json
from urllib.parse import urlencode

from django.db.models import Case, IntegerField, Value, When
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from rencai.core import audit
from rencai.core.figures import list_count
from rencai.core.forms import bootstrapify
from rencai.core.models import AuditAction
from rencai.core.objects import registered
from rencai.core.objects.pages import RoleRequiredMixin
from rencai.core.roles import STAFF_AND_LIAISONS
from rencai.projects.documents import notice_docx
from rencai.projects.models import Colour
from rencai.projects.services import unit_figures

BOARD_FILTERS = ("project", "colour", "organization", "leader", "state")
COLOUR_ORDER = [Colour.RED, Colour.YELLOW, Colour.BLUE, Colour.NONE]
BOARD_ROWS = 200


class BoardView(RoleRequiredMixin, TemplateView):
    """Tasks of one programme or all, by colour, by unit and by leader; a liaison sees
    its own institution's tasks (the unit's own list)."""

    template_name = "projects/board.html"
    roles = STAFF_AND_LIAISONS
    denied_message = gettext_lazy("您的角色无权查看任务看板。")

    def get_context_data(self, **kwargs):
        user = self.request.user
        config = registered()["project-tasks"]
        query = {k: self.request.GET[k] for k in BOARD_FILTERS if self.request.GET.get(k)}
        filterset = config.filterset_class(query, queryset=config.visible(user), request=self.request)
        if not filterset.is_valid():
            query = {}
            filterset = config.filterset_class({}, queryset=config.visible(user), request=self.request)
        bootstrapify(filterset.form)
        tasks = filterset.qs
        today = timezone.localdate()
        colours = []
        for colour in COLOUR_ORDER:
            figure = list_count("project-tasks", user, **{**query, "colour": colour})
            colours.append((colour, Colour(colour).label, figure))
        base = urlencode({k: v for k, v in query.items() if k != "organization"})
        units = unit_figures(tasks, ["organization_id", "organization__name"], today)
        for row in units:
            row["url"] = f"{config.list_url}?{base}&organization={row['organization_id']}".replace("?&", "?")
        leaders = unit_figures(tasks, ["project__lead_leader_id", "project__lead_leader__full_name"], today)
        rank = Case(*[When(colour=c, then=Value(i)) for i, c in enumerate(COLOUR_ORDER)], output_field=IntegerField())
        ordered = list(
            tasks.select_related("project", "organization")
            .annotate(rank=rank)
            .order_by("rank", "due_on", "id")[:BOARD_ROWS]
        )
        return {
            **super().get_context_data(**kwargs),
            "filterset": filterset,
            "query": query,
            "colours": colours,
            "units": units,
            "leaders": leaders,
            "tasks": ordered,
            "total": list_count("project-tasks", user, **query),
            "list_url": config.list_url,
        }


class TimelineView(RoleRequiredMixin, TemplateView):
    """A Gantt-style chart of a programme's tasks with their milestones."""

    template_name = "projects/timeline.html"
    roles = STAFF_AND_LIAISONS
    denied_message = gettext_lazy("您的角色无权查看。")

    def get_context_data(self, **kwargs):
        user = self.request.user
        project = get_object_or_404(registered()["talent-projects"].visible(user), pk=kwargs["pk"])
        tasks = list(
            registered()["project-tasks"]
            .visible(user)
            .filter(project=project)
            .prefetch_related("milestones")
            .order_by("starts_on", "id")[:300]
        )
        data = {
            "tasks": [
                {
                    "name": t.title,
                    "start": t.starts_on.isoformat(),
                    "end": t.due_on.isoformat(),
                    "colour": t.colour,
                    "progress": t.progress,
                    "milestones": [
                        {"name": m.name, "on": m.planned_on.isoformat(), "percent": m.planned_percent}
                        for m in t.milestones.all()
                    ],
                }
                for t in tasks
            ],
            "today": timezone.localdate().isoformat(),
        }
        return {
            **super().get_context_data(**kwargs),
            "project": project,
            "tasks": tasks,
            "chart_json": json.dumps(data, ensure_ascii=False),
        }


class NoticeDocxView(RoleRequiredMixin, View):
    roles = STAFF_AND_LIAISONS
    denied_message = gettext_lazy("您的角色无权下载。")

    def get(self, request, pk: int):
        notice = get_object_or_404(
            registered()["supervision-notices"]
            .visible(request.user)
            .select_related("task__project", "task__organization", "task__department"),
            pk=pk,
        )
        content = notice_docx(notice)
        audit.record(AuditAction.EXPORT, obj=notice, changes={"notice": notice.code}, request=request)
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        disposition = content_disposition_header(True, _("督办单-%(code)s.docx") % {"code": notice.code})
        assert disposition is not None
        response["Content-Disposition"] = disposition
        return response
