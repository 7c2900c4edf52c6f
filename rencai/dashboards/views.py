"""The leader view (领导驾驶舱), targets with live progress, document templates and the
documents generated from them."""

import json

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from rencai.core import audit
from rencai.core.actions import ActionRefused
from rencai.core.exports import write_xlsx, xlsx_response
from rencai.core.forms import bootstrapify
from rencai.core.generic import RoleRequiredMixin
from rencai.core.models import AuditAction
from rencai.core.objects import ObjectConfig, Section, register
from rencai.core.roles import Role
from rencai.dashboards import leader
from rencai.dashboards.figures import Period
from rencai.dashboards.generation import generate, generate_later
from rencai.dashboards.models import DocumentState, DocumentTemplate, GeneratedDocument, Target
from rencai.dashboards.targets import progress
from rencai.orgs.models import Organization

OFFICE = frozenset({Role.OFFICE})
OFFICE_AND_LEADERS = frozenset({Role.OFFICE, Role.LEADER})
VIEWERS = frozenset({Role.OFFICE, Role.LEADER, Role.LIAISON})


def year_from(request) -> int:
    try:
        return int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year


class LeaderView(RoleRequiredMixin, TemplateView):
    """One page of the figures a leader asks for; a liaison sees their institution's."""

    template_name = "dashboards/leader.html"
    roles = VIEWERS
    denied_message = gettext_lazy("您的角色无权查看领导驾驶舱。")

    def get(self, request, *args, **kwargs):
        view = leader.build(request.user, Period(year_from(request)))
        if request.GET.get("format") == "xlsx":
            audit.record(
                AuditAction.EXPORT, object_type="dashboards.leader", changes={"year": view.period.year}, request=request
            )
            return xlsx_response(
                write_xlsx("领导驾驶舱", ["部分", "项目", "数值"], leader.rows(view)), f"领导驾驶舱-{view.period}"
            )
        return self.render_to_response(
            {
                "view": view,
                "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
                "chart_json": json.dumps(leader.charts(view), ensure_ascii=False),
            }
        )


@register
class TargetObjects(ObjectConfig):
    model = Target
    slug = "targets"
    nav_section = "dashboards"
    list_columns = ["name", "entry", "pool", "organization", "number", "starts_on", "due_on"]
    form_fields = ["name", "entry", "pool", "organization", "number", "starts_on", "due_on"]
    view_roles = OFFICE_AND_LEADERS
    change_roles = OFFICE

    def detail_sections(self, obj, user) -> list[Section]:
        found = progress(obj, user)
        return [
            Section(
                title=_("进度"),
                headers=[_("当前"), _("目标"), _("完成率"), _("时间进度"), _("判断")],
                rows=[
                    (
                        found.url,
                        [str(found.current), str(obj.number), f"{found.percent}%", f"{found.elapsed}%", found.mark],
                    )
                ],
                key="progress",
            )
        ]


class TemplateForm(forms.ModelForm):
    class Meta:
        model = DocumentTemplate
        fields = ["kind", "title", "recipients", "body", "issuer", "is_active"]
        widgets = {"body": forms.Textarea(attrs={"rows": 18})}


@register
class TemplateObjects(ObjectConfig):
    model = DocumentTemplate
    slug = "document-templates"
    nav_section = "dashboards"
    list_columns = ["kind", "title", "is_active"]
    form_class = TemplateForm
    view_roles = OFFICE_AND_LEADERS
    change_roles = OFFICE

    def detail_links(self, obj, user):
        return [(_("生成文稿"), f"{reverse('dashboards:generate')}?template={obj.pk}")]


@register
class GeneratedObjects(ObjectConfig):
    model = GeneratedDocument
    slug = "generated-documents"
    nav_section = "dashboards"
    list_columns = ["template", "year", "organization", "requested_by", "state", "missing"]
    view_roles = OFFICE_AND_LEADERS
    create_roles = frozenset()
    change_roles = frozenset()

    def detail_links(self, obj, user):
        if obj.state == DocumentState.DONE:
            return [(_("下载Word"), reverse("dashboards:download", args=[obj.pk]))]
        return []


class GenerateForm(forms.Form):
    template = forms.ModelChoiceField(label=_("模板"), queryset=DocumentTemplate.objects.filter(is_active=True))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    organization = forms.ModelChoiceField(
        label=_("范围（机构）"), queryset=Organization.objects.none(), required=False, help_text=_("不选表示全市。")
    )
    background = forms.BooleanField(label=_("后台生成（长文稿）"), required=False)


class GenerateView(RoleRequiredMixin, TemplateView):
    template_name = "dashboards/generate.html"
    roles = OFFICE_AND_LEADERS
    denied_message = gettext_lazy("您的角色无权生成文稿。")

    def form(self, data=None) -> GenerateForm:
        initial = {"template": self.request.GET.get("template"), "year": timezone.localdate().year}
        form = GenerateForm(data=data, initial=initial)
        form.fields["organization"].queryset = Organization.objects.visible_to(self.request.user)
        return bootstrapify(form)

    def get(self, request, *args, **kwargs):
        return self.render_to_response({"form": self.form()})

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render_to_response({"form": form}, status=400)
        document = GeneratedDocument.objects.create(
            template=form.cleaned_data["template"],
            year=form.cleaned_data["year"],
            organization=form.cleaned_data["organization"],
            requested_by=request.user,
        )
        if form.cleaned_data["background"]:
            generate_later(document)
            messages.info(request, _("文稿已在后台生成，完成后可在本页下载。"))
        else:
            try:
                generate(document)
            except ActionRefused as exc:
                form.add_error(None, str(exc))
                return self.render_to_response({"form": form}, status=400)
            if document.missing:
                messages.warning(
                    request,
                    _("有%(n)s项数据缺失，文中已标明：%(names)s")
                    % {"n": len(document.missing), "names": "、".join(document.missing)},
                )
            else:
                messages.success(request, _("文稿已生成。"))
        return HttpResponseRedirect(reverse("objects:generated-documents-detail", args=[document.pk]))


class DownloadView(RoleRequiredMixin, View):
    roles = OFFICE_AND_LEADERS
    denied_message = gettext_lazy("您的角色无权下载文稿。")

    def get(self, request, pk: int):
        document = get_object_or_404(GeneratedDocument, pk=pk)
        if document.state != DocumentState.DONE:
            raise Http404
        audit.record(AuditAction.EXPORT, obj=document, changes={"download": document.file.name}, request=request)
        return FileResponse(document.file.open("rb"), as_attachment=True, filename=f"{document}.docx")
