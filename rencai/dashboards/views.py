"""The pages of the dashboards that are their own: the leader view (领导驾驶舱), the
request of a generated document and its download."""

import json
from typing import cast

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
from rencai.core.errors import Refused
from rencai.core.exports import write_xlsx, xlsx_response
from rencai.core.forms import bootstrapify
from rencai.core.models import AuditAction
from rencai.core.objects import registered
from rencai.core.objects.pages import RoleRequiredMixin
from rencai.core.roles import CITYWIDE_READERS, STAFF_AND_LIAISONS, role_of
from rencai.core.routing import replica_reads
from rencai.dashboards import leader, services
from rencai.dashboards.figures import Period
from rencai.dashboards.forms import GenerateForm
from rencai.dashboards.models import DocumentState
from rencai.dashboards.objects import GeneratedObjects
from rencai.orgs.models import Organization


def year_from(request) -> int:
    try:
        return int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year


class LeaderView(RoleRequiredMixin, TemplateView):
    """One page of the figures a leader asks for; a liaison sees their institution's."""

    template_name = "dashboards/leader.html"
    roles = STAFF_AND_LIAISONS
    denied_message = gettext_lazy("您的角色无权查看领导驾驶舱。")

    def get(self, request, *args, **kwargs):
        with replica_reads():  # the figures read from the replica when there is one
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
                # A liaison's figures are their institution's (the counts are scoped so),
                # and the page says so rather than "全市".
                "scope_label": view.scope.label
                if role_of(request.user) in CITYWIDE_READERS or request.user.organization is None
                else request.user.organization.name,
                "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
                "chart_json": json.dumps(leader.charts(view), ensure_ascii=False),
            }
        )


class GenerateView(RoleRequiredMixin, TemplateView):
    """Those who may read generated documents may have one written."""

    template_name = "dashboards/generate.html"
    roles = GeneratedObjects.policy.view
    denied_message = gettext_lazy("您的角色无权生成文稿。")

    def form(self, data=None) -> GenerateForm:
        initial = {"template": self.request.GET.get("template"), "year": timezone.localdate().year}
        form = GenerateForm(data=data, initial=initial)
        organization = cast(forms.ModelChoiceField, form.fields["organization"])
        organization.queryset = Organization.objects.visible_to(self.request.user)
        return bootstrapify(form)

    def get(self, request, *args, **kwargs):
        return self.render_to_response({"form": self.form()})

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render_to_response({"form": form}, status=400)
        background = form.cleaned_data["background"]
        try:
            document = services.request_document(
                request.user,
                form.cleaned_data["template"],
                form.cleaned_data["year"],
                form.cleaned_data["organization"],
                background=background,
            )
        except Refused as exc:
            form.add_error(None, str(exc))
            return self.render_to_response({"form": form}, status=400)
        if background:
            messages.info(request, _("文稿已在后台生成，完成后可在本页下载。"))
        elif document.missing:
            messages.warning(
                request,
                _("有%(n)s项数据缺失，文中已标明：%(names)s")
                % {"n": len(document.missing), "names": "、".join(document.missing)},
            )
        else:
            messages.success(request, _("文稿已生成。"))
        return HttpResponseRedirect(reverse("objects:generated-documents-detail", args=[document.pk]))


class DownloadView(RoleRequiredMixin, View):
    roles = GeneratedObjects.policy.view
    denied_message = gettext_lazy("您的角色无权下载文稿。")

    def get(self, request, pk: int):
        document = get_object_or_404(registered()["generated-documents"].visible(request.user), pk=pk)
        if document.state != DocumentState.DONE:
            raise Http404
        audit.record(AuditAction.EXPORT, obj=document, changes={"download": document.file.name}, request=request)
        return FileResponse(document.file.open("rb"), as_attachment=True, filename=f"{document}.docx")
