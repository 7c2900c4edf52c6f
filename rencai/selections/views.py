"""Selections' own pages: the public vote, material downloads, the results table and the
generated notices."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from rencai.core import audit
from rencai.core.context import client_ip
from rencai.core.errors import Refused
from rencai.core.exports import xlsx_response
from rencai.core.models import AuditAction
from rencai.core.objects.pages import RoleRequiredMixin
from rencai.core.roles import BUSINESS_ROLES, CITYWIDE_READERS
from rencai.selections import documents, services
from rencai.selections.models import ApplicationState, Campaign, Material


class VoteView(RoleRequiredMixin, TemplateView):
    """The public vote: candidates in review, one vote per account per day."""

    template_name = "selections/vote.html"
    roles = BUSINESS_ROLES
    denied_message = gettext_lazy("您的角色无权投票。")

    def campaign(self) -> Campaign:
        return get_object_or_404(Campaign, pk=self.kwargs["pk"], has_public_vote=True)

    def get_context_data(self, **kwargs):
        campaign = self.campaign()
        candidates = campaign.applications.filter(state=ApplicationState.IN_REVIEW).select_related(
            "talent", "organization"
        )
        voted_today = campaign.votes.filter(voter=self.request.user, voted_on=timezone.localdate()).first()
        return {"campaign": campaign, "candidates": candidates, "voted_today": voted_today}

    def post(self, request, *args, **kwargs):
        campaign = self.campaign()
        application = get_object_or_404(campaign.applications, pk=request.POST.get("application"))
        try:
            services.cast_vote(application, request.user, client_ip(request))
        except Refused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("投票成功：%(name)s") % {"name": application.display_name})
        return HttpResponseRedirect(reverse("selections:vote", args=[campaign.pk]))


class MaterialDownloadView(RoleRequiredMixin, View):
    roles = BUSINESS_ROLES
    denied_message = gettext_lazy("您的角色无权下载。")

    def get(self, request, pk: int):
        material = get_object_or_404(Material.objects.visible_to(request.user), pk=pk)
        audit.record(AuditAction.EXPORT, obj=material, changes={"download": material.file_name}, request=request)
        return FileResponse(material.file.open("rb"), as_attachment=True, filename=material.file_name)


class ResultsExportView(RoleRequiredMixin, View):
    roles = CITYWIDE_READERS

    def get(self, request, pk: int):
        campaign = get_object_or_404(Campaign, pk=pk)
        content, rows = documents.results_xlsx(campaign)
        audit.record(AuditAction.EXPORT, obj=campaign, changes={"export": "results", "rows": rows}, request=request)
        return xlsx_response(content, _("%(campaign)s-排名及结果") % {"campaign": campaign})


class DocumentView(RoleRequiredMixin, View):
    roles = CITYWIDE_READERS

    def get(self, request, pk: int, kind: str):
        campaign = get_object_or_404(Campaign, pk=pk)
        writers = {"publicity": documents.publicity_notice, "results": documents.results_notice}
        if kind not in writers:
            raise Http404
        try:
            name, content = writers[kind](campaign)
        except Refused as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(reverse("objects:campaigns-detail", args=[campaign.pk]))
        audit.record(AuditAction.EXPORT, obj=campaign, changes={"document": kind}, request=request)
        response = HttpResponse(content, content_type=documents.DOCX_CONTENT_TYPE)
        disposition = content_disposition_header(True, f"{name}.docx")
        assert disposition is not None  # only None for an inline response without a file name
        response["Content-Disposition"] = disposition
        return response
