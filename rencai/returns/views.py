"""Returns declared once (pages, export, API) with the submission workflow, and their own
pages: the fill-in form, the Excel template and upload, the completeness board and the
aggregate."""

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from rencai.core import audit
from rencai.core.actions import Action, ActionRefused, Transition, Workflow, reason_input
from rencai.core.exports import XLSX_CONTENT_TYPE, write_xlsx, xlsx_response
from rencai.core.generic import RoleRequiredMixin
from rencai.core.models import AuditAction, next_edition
from rencai.core.objects import ObjectConfig, Section, register, related_sections
from rencai.core.roles import Role, role_of
from rencai.core.todos import Todo, todo_provider
from rencai.orgs.models import OrganizationKind, Region
from rencai.returns import aggregates, excel, services
from rencai.returns.models import (
    EDITABLE_STATES,
    Indicator,
    ReturnForm,
    ReturnPeriod,
    Severity,
    Submission,
    SubmissionState,
    ValidationRule,
    plain_number,
)
from rencai.returns.services import Entry

OFFICE = frozenset({Role.OFFICE})
LEADERS = frozenset({Role.LEADER})
OFFICE_AND_LEADERS = frozenset({Role.OFFICE, Role.LEADER})
REPORTERS = frozenset({Role.OFFICE, Role.LIAISON})
READERS = frozenset({Role.OFFICE, Role.LEADER, Role.LIAISON})


def _new_edition(form: ReturnForm, user, data: dict) -> str:
    copy = next_edition(form, {"code": form.code}, ("indicators", "rules"))
    return _("已另存为新版本：%(form)s") % {"form": copy}


class ReturnFormForm(forms.ModelForm):
    organization_kinds = forms.MultipleChoiceField(
        label=_("报送机构类型"),
        choices=[c for c in OrganizationKind.choices if c[0] != "government"],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选表示全部金融机构（银行、证券、期货、保险、金融科技、地方金融组织）。"),
    )

    class Meta:
        model = ReturnForm
        fields = ["code", "name", "period_type", "organization_kinds", "description", "is_survey"]


def _refuse_in_use(form: ReturnForm) -> None:
    if form.in_use():
        raise ActionRefused(_("该报表已有填报数据，不能修改或删除；请使用“另存为新版本”。"))


@register
class ReturnFormObjects(ObjectConfig):
    model = ReturnForm
    slug = "return-forms"
    nav_section = "returns"
    list_columns = ["code", "name", "edition", "period_type", "kinds_display", "is_survey"]
    detail_fields = ["code", "name", "edition", "previous", "period_type", "kinds_display", "description", "is_survey"]
    form_class = ReturnFormForm
    search_fields = ["code", "name"]
    view_roles = READERS
    change_roles = OFFICE
    actions = [Action("new_edition", _("另存为新版本"), OFFICE, _new_edition)]

    def before_save(self, instance, user, creating):
        if not creating:
            _refuse_in_use(instance)

    def before_delete(self, instance, user):
        _refuse_in_use(instance)

    def detail_sections(self, obj, user) -> list[Section]:
        return related_sections(
            [
                (
                    _("指标"),
                    Indicator,
                    ["order", "section", "code", "name", "unit", "kind", "required", "group", "prefill"],
                ),
                (_("校验规则"), ValidationRule, ["expression", "message", "severity"]),
                (_("报告期"), ReturnPeriod, ["label", "starts_on", "ends_on", "due_on", "is_open"]),
            ],
            user,
            form=obj.pk,
        )


class FormPartObjects(ObjectConfig):
    view_roles = OFFICE_AND_LEADERS
    change_roles = OFFICE

    def before_delete(self, instance, user):
        _refuse_in_use(instance.form)


@register
class IndicatorObjects(FormPartObjects):
    model = Indicator
    slug = "indicators"
    list_columns = ["form", "order", "section", "code", "name", "unit", "kind", "required"]
    form_fields = [
        "form",
        "section",
        "order",
        "code",
        "name",
        "unit",
        "kind",
        "choices",
        "required",
        "group",
        "row_label",
        "column_label",
        "prefill",
    ]
    ordering = ["form", "order"]

    def get_form_class(self, user, instance=None):
        form_class = super().get_form_class(user, instance)
        form_class.base_fields["prefill"].help_text = "；".join(
            f"{k}：{v}" for k, v in services.PREFILL_SOURCES.items()
        )
        return form_class


@register
class RuleObjects(FormPartObjects):
    model = ValidationRule
    slug = "return-rules"
    list_columns = ["form", "expression", "message", "severity"]
    form_fields = ["form", "expression", "message", "severity"]

    def get_form_class(self, user, instance=None):
        form_class = super().get_form_class(user, instance)
        form_class.base_fields["expression"].help_text = _(
            "用指标代码或名称书写，例如：D03 <= D01；sum(年龄段) == 员工总数；abs(change(员工总数)) <= 0.5"
        )
        return form_class


def _remind(period: ReturnPeriod, user, data: dict) -> str:
    count = services.remind(period)
    return _("已向%(n)s家未报送的机构发出催报。") % {"n": count}


@register
class PeriodObjects(ObjectConfig):
    model = ReturnPeriod
    slug = "return-periods"
    nav_section = "returns"
    list_columns = ["form", "label", "starts_on", "ends_on", "due_on", "is_open"]
    form_fields = ["form", "label", "starts_on", "ends_on", "due_on", "is_open"]
    view_roles = READERS
    change_roles = OFFICE
    actions = [Action("remind", _("催报"), OFFICE, _remind, available=lambda p, user: p.is_open)]

    def after_save(self, instance, user, creating):
        made = services.ensure_submissions(instance)
        return _("已向%(n)s家机构下发报表。") % {"n": made} if made else None

    def detail_links(self, obj, user):
        links = [(_("汇总"), reverse("returns:aggregate", args=[obj.pk]))]
        if role_of(user) in OFFICE_AND_LEADERS:
            links.insert(0, (_("报送进度"), reverse("returns:board", args=[obj.pk])))
        return links


def _submit_inputs() -> dict:
    return {
        "warning_note": forms.CharField(
            label=_("提示项说明"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_("有提示项时必填。"),
        )
    }


def _submit(submission: Submission, user, data: dict) -> None:
    services.submit(submission, data.get("warning_note", ""))


def _stamp(field: str):
    def effect(submission: Submission, user, data: dict) -> None:
        setattr(submission, field, timezone.now())

    return effect


SUBMISSION_WORKFLOW = Workflow(
    "state",
    [
        Transition(
            "submit",
            _("报送"),
            EDITABLE_STATES,
            SubmissionState.SUBMITTED,
            REPORTERS,
            inputs=_submit_inputs,
            effect=_submit,
            style="primary",
        ),
        Transition(
            "return",
            _("退回修改"),
            (SubmissionState.SUBMITTED,),
            SubmissionState.RETURNED,
            OFFICE,
            inputs=reason_input(_("退回理由")),
        ),
        Transition(
            "approve", _("审核通过"), (SubmissionState.SUBMITTED,), SubmissionState.APPROVED, OFFICE, style="success"
        ),
        Transition("lock", _("锁定"), (SubmissionState.APPROVED,), SubmissionState.LOCKED, OFFICE),
        Transition(
            "reopen",
            _("重新打开"),
            (SubmissionState.APPROVED, SubmissionState.LOCKED),
            SubmissionState.RETURNED,
            LEADERS,
            inputs=reason_input(_("重开理由")),
            style="outline-danger",
        ),
    ],
)


@register
class SubmissionObjects(ObjectConfig):
    model = Submission
    slug = "submissions"
    nav_section = "returns"
    list_columns = ["period", "organization", "state", "submitted_at", "approved_at", "reminded_at"]
    detail_fields = [
        "period",
        "organization",
        "state",
        "reason",
        "warning_note",
        "submitted_at",
        "returned_at",
        "approved_at",
        "locked_at",
    ]
    search_fields = ["organization__name", "period__label"]
    view_roles = READERS
    create_roles = frozenset()
    change_roles = frozenset()
    delete_roles = frozenset()
    actions = SUBMISSION_WORKFLOW.actions()

    def detail_links(self, obj, user):
        links = [(_("查看/填报"), reverse("returns:fill", args=[obj.pk]))]
        if obj.editable and role_of(user) in REPORTERS:
            links.append((_("下载Excel模板"), reverse("returns:template", args=[obj.pk])))
        return links


# --- own pages --------------------------------------------------------------------------------


def submission_for(request, pk: int) -> Submission:
    return get_object_or_404(
        Submission.objects.visible_to(request.user).select_related("period__form", "organization"), pk=pk
    )


class FillView(RoleRequiredMixin, TemplateView):
    """The form on screen: sections, grids, prefilled figures, and the findings."""

    template_name = "returns/fill.html"
    roles = READERS
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
            with transaction.atomic():
                errors = services.save_values(submission, entries)
        except ActionRefused as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(request.path)
        if errors.by_code:
            return self.render_to_response(self.context(submission, errors.by_code, request.POST), status=400)
        messages.success(request, _("已保存。"))
        return HttpResponseRedirect(request.path)

    def upload(self, request, submission: Submission):
        content = request.FILES["upload"].read()
        try:
            with transaction.atomic():
                errors = excel.read_upload(submission, content)
        except ActionRefused as exc:
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
        return {
            "submission": submission,
            "sections": list(sections.values()),
            "errors": [f.message for f in problems if f.severity == Severity.ERROR],
            "warnings": [f.message for f in problems if f.severity == Severity.WARNING],
            "can_edit": submission.editable and role_of(self.request.user) in REPORTERS,
        }


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
        response["Content-Disposition"] = content_disposition_header(True, name)
        return response


class BoardView(RoleRequiredMixin, TemplateView):
    """Who has reported, who is late; reminders go from here."""

    template_name = "returns/board.html"
    roles = OFFICE_AND_LEADERS
    denied_message = gettext_lazy("您的角色无权查看报送进度。")

    def get(self, request, pk: int):
        period = get_object_or_404(ReturnPeriod.objects.select_related("form"), pk=pk)
        rows, counts = services.board(period)
        return self.render_to_response(
            {"period": period, "rows": rows, "counts": counts, "today": timezone.localdate()}
        )


class AggregateView(RoleRequiredMixin, TemplateView):
    template_name = "returns/aggregate.html"
    roles = READERS
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


@todo_provider
def returns_todos(user) -> list[Todo]:
    role = role_of(user)
    if role == Role.LIAISON:
        waiting = Submission.objects.visible_to(user).filter(state__in=EDITABLE_STATES, period__is_open=True).count()
        return [Todo(_("待报送的统计报表"), reverse("objects:submissions-list"), waiting)] if waiting else []
    if role == Role.OFFICE:
        pending = Submission.objects.filter(state=SubmissionState.SUBMITTED).count()
        return [Todo(_("待审核的统计报表"), reverse("objects:submissions-list"), pending)] if pending else []
    return []
