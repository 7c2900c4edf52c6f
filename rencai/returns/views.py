"""The pages of returns that are their own: the fill-in form, the Excel template and
upload, the completeness board and the aggregate."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from rencai.core import audit
from rencai.core.errors import Refused
from rencai.core.exports import XLSX_CONTENT_TYPE, write_xlsx, xlsx_response
from rencai.core.models import AuditAction
from rencai.core.objects import registered
from rencai.core.objects.pages import RoleRequiredMixin
from rencai.core.objects.writes import run_action
from rencai.core.roles import OFFICE_AND_LEADERS, OFFICE_AND_LIAISONS, role_of
from rencai.orgs.models import OrganizationKind, Region
from rencai.returns import aggregates, excel, services
from rencai.returns.models import ReturnPeriod, Severity, Submission, plain_number
from rencai.returns.objects import PeriodObjects, SubmissionObjects
from rencai.returns.services import Entry

#: Who fills in a return: the institution's liaison, or the office for them.
REPORTERS = OFFICE_AND_LIAISONS


def submission_for(request, pk: int) -> Submission:
    return get_object_or_404(
        Submission.objects.visible_to(request.user).select_related("period__form", "organization"), pk=pk
    )


class FillView(RoleRequiredMixin, TemplateView):
    """The form on screen: sections, grids, prefilled figures, and the findings."""

    template_name = "returns/fill.html"
    roles = SubmissionObjects.policy.view
    denied_message = gettext_lazy("您的角色无权查看报表。")

    def get(self, request, pk: int):
        submission = submission_for(request, pk)
        return self.render_to_response(self.context(submission, errors={}, posted=None))

    def post(self, request, pk: int):
        submission = submission_for(request, pk)
        if not submission.editable or role_of(request.user) not in REPORTERS:
            raise PermissionDenied(_("该报表当前不能修改。"))
        if "upload" in request.FILES:
            return self.upload(request, submission)
        entries = {
            i.code: Entry(raw=request.POST.get(f"v_{i.code}", ""), reason=request.POST.get(f"r_{i.code}", ""))
            for i in submission.period.form.indicators.all()
        }
        try:
            errors = services.save_values(submission, entries)
        except Refused as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(request.path)
        if errors.by_code:
            return self.render_to_response(self.context(submission, errors.by_code, request.POST), status=400)
        messages.success(request, _("已保存。"))
        return HttpResponseRedirect(request.path)

    def upload(self, request, submission: Submission):
        content = request.FILES["upload"].read()
        try:
            errors = excel.read_upload(submission, content)
        except Refused as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(request.path)
        if errors.by_code:
            for message in errors.by_code.values():
                messages.error(request, message)
            messages.error(
                request, _("文件中有%(n)s处错误，未导入任何数据；请修改后重新上传。") % {"n": len(errors.by_code)}
            )
        else:
            audit.record(
                AuditAction.IMPORT, obj=submission, changes={"file": request.FILES["upload"].name}, request=request
            )
            messages.success(request, _("已从Excel导入填报数据。"))
        return HttpResponseRedirect(request.path)

    def context(self, submission: Submission, errors: dict, posted) -> dict:
        values = {v.indicator.code: v for v in submission.values.select_related("indicator")}
        sections: dict[str, dict] = {}
        for indicator in submission.period.form.indicators.all():
            section = sections.setdefault(indicator.section, {"title": indicator.section, "plain": [], "grid": {}})
            value = values.get(indicator.code)
            cell = {
                "indicator": indicator,
                "value": posted.get(f"v_{indicator.code}")
                if posted is not None
                else (value.display() if value else ""),
                "reason": posted.get(f"r_{indicator.code}")
                if posted is not None
                else (value.correction_reason if value else ""),
                "prefilled": plain_number(value.prefilled) if value and value.prefilled is not None else None,
                "error": errors.get(indicator.code, ""),
            }
            if indicator.row_label and indicator.column_label:
                section["grid"].setdefault(indicator.row_label, {})[indicator.column_label] = cell
            else:
                section["plain"].append(cell)
        for section in sections.values():
            columns = []
            for row in section["grid"].values():
                columns += [c for c in row if c not in columns]
            section["columns"] = columns
            section["rows"] = [(label, [row.get(c) for c in columns]) for label, row in section["grid"].items()]
        problems = services.findings(submission)
        submit = registered()[SubmissionObjects.slug].action("submit")
        return {
            "submission": submission,
            "sections": list(sections.values()),
            "errors": [f.message for f in problems if f.severity == Severity.ERROR],
            "warnings": [f.message for f in problems if f.severity == Severity.WARNING],
            "can_edit": submission.editable and role_of(self.request.user) in REPORTERS,
            "can_submit": submit is not None
            and submission.period.is_open
            and submit.allowed(submission, self.request.user),
        }


class FindingsView(RoleRequiredMixin, View):
    """The findings box of the fill page, recomputed from the cells as they are now (not
    saved): the page swaps it in as the reporter corrects a cell."""

    roles = REPORTERS
    denied_message = gettext_lazy("您的角色无权填报。")

    def post(self, request, pk: int):
        submission = submission_for(request, pk)
        entries = {
            i.code: Entry(raw=request.POST.get(f"v_{i.code}", ""))
            for i in submission.period.form.indicators.all()
            if f"v_{i.code}" in request.POST
        }
        problems = services.findings(submission, entries)
        return render(
            request,
            "returns/_findings.html",
            {
                "errors": [f.message for f in problems if f.severity == Severity.ERROR],
                "warnings": [f.message for f in problems if f.severity == Severity.WARNING],
            },
        )


class TemplateDownloadView(RoleRequiredMixin, View):
    roles = REPORTERS
    denied_message = gettext_lazy("您的角色无权下载填报模板。")

    def get(self, request, pk: int):
        submission = submission_for(request, pk)
        audit.record(
            AuditAction.EXPORT, obj=submission, changes={"template": submission.period.form.code}, request=request
        )
        response = HttpResponse(excel.template_xlsx(submission), content_type=XLSX_CONTENT_TYPE)
        name = f"{submission.period.form.name}-{submission.period.label}-{submission.organization.name}.xlsx"
        disposition = content_disposition_header(True, name)
        assert disposition is not None  # only None for an inline response without a file name
        response["Content-Disposition"] = disposition
        return response


class BoardView(RoleRequiredMixin, TemplateView):
    """Who has reported, who is late; reminders go from here."""

    template_name = "returns/board.html"
    roles = OFFICE_AND_LEADERS
    denied_message = gettext_lazy("您的角色无权查看报送进度。")

    def get(self, request, pk: int):
        period = get_object_or_404(ReturnPeriod.objects.select_related("form"), pk=pk)
        rows, counts = services.board(period)
        remind = registered()[PeriodObjects.slug].action("remind")
        counts = {**counts, "unreported": counts["total"] - counts["reported"]}
        return self.render_to_response(
            {
                "period": period,
                "rows": rows,
                "counts": counts,
                "today": timezone.localdate(),
                "can_remind": remind is not None and remind.allowed(period, request.user) and counts["unreported"] > 0,
            }
        )


class BoardRemindView(RoleRequiredMixin, View):
    """催报 from the board: the period's declared action, through the one write path, and
    back to the board."""

    roles = OFFICE_AND_LEADERS

    def post(self, request, pk: int):
        config = registered()[PeriodObjects.slug]
        period = get_object_or_404(config.visible(request.user), pk=pk)
        action = config.action("remind")
        assert action is not None  # declared in returns.objects
        try:
            notice = run_action(config, action, period, request.user, {})
        except Refused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, notice or _("已催报。"))
        return HttpResponseRedirect(reverse("returns:board", args=[period.pk]))


class AggregateView(RoleRequiredMixin, TemplateView):
    template_name = "returns/aggregate.html"
    roles = PeriodObjects.policy.view
    denied_message = gettext_lazy("您的角色无权查看汇总。")

    def get(self, request, pk: int):
        period = get_object_or_404(ReturnPeriod.objects.select_related("form"), pk=pk)
        kind, region, code = (
            request.GET.get("kind", ""),
            request.GET.get("region", ""),
            request.GET.get("indicator", ""),
        )
        lines, counted = aggregates.aggregate(period, request.user, kind, region)
        if request.GET.get("format") == "xlsx":
            return self.export(period, lines)
        kinds = dict(OrganizationKind.choices)
        chart = [
            {
                "name": str(line.indicator.name),
                "data": {str(kinds.get(k, k)): float(v) for k, v in line.by_kind.items()},
            }
            for line in lines
            if line.indicator.is_number and not line.indicator.row_label
        ][:6]
        return self.render_to_response(
            {
                "period": period,
                "lines": lines,
                "counted": counted,
                "kind": kind,
                "region": region,
                "kinds": [c for c in OrganizationKind.choices if c[0] != "government"],
                "regions": Region.objects.all(),
                "drill": aggregates.drill_down(period, request.user, code, kind, region) if code else None,
                "drill_code": code,
                "chart_json": json.dumps(chart, ensure_ascii=False),
                "previous": period.previous(),
            }
        )

    def export(self, period: ReturnPeriod, lines) -> HttpResponse:
        headers = ["指标代码", "指标名称", "计量单位", "合计", "上期合计", "同比变化（%）"]
        rows = [
            [
                line.indicator.code,
                line.indicator.name,
                line.indicator.unit,
                plain_number(line.total),
                plain_number(line.previous),
                "" if line.change is None else str(line.change),
            ]
            for line in lines
        ]
        audit.record(
            AuditAction.EXPORT, obj=period, changes={"export": "aggregate", "rows": len(rows)}, request=self.request
        )
        return xlsx_response(write_xlsx("汇总", headers, rows), f"{period}-汇总")
