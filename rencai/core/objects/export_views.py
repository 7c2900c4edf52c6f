"""Pages of a background export: the job (progress, then the download or the error), the
progress bar polled by htmx, the download, and the user's recent exports. Every page
shows only the asking user's own jobs; another user's is a 404."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views import View
from django.views.generic import ListView, TemplateView

from rencai.core.exports import XLSX_CONTENT_TYPE
from rencai.core.models import ExportJob
from rencai.core.objects import export_jobs
from rencai.core.objects.config import registered
from rencai.core.views import ReloadWhenEndedMixin

if TYPE_CHECKING:
    from rencai.accounts.models import User


def own_job(request: HttpRequest, pk: int) -> ExportJob:
    """A job is seen only by the user who asked for it."""
    return export_jobs.mark_if_stale(get_object_or_404(ExportJob.objects.visible_to(request.user), pk=pk))


class ExportJobView(LoginRequiredMixin, TemplateView):
    template_name = "core/export_job.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        job = own_job(self.request, kwargs["pk"])
        config = registered().get(job.object_slug)
        done, total = export_jobs.progress_of(job)
        return {
            **super().get_context_data(**kwargs),
            "job": job,
            "config": config,
            "done": done,
            "total": total,
            "percent": min(100, round(done * 100 / total)) if total else 0,
            "downloadable": export_jobs.downloadable(job),
            "expires_at": export_jobs.expires_at(job),
        }


class ExportProgressView(ReloadWhenEndedMixin, ExportJobView):
    """The progress bar, polled by htmx; a finished job makes the whole page reload."""

    template_name = "core/_export_progress.html"


class ExportDownloadView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> FileResponse:
        job = own_job(request, pk)
        if not export_jobs.downloadable(job):
            raise Http404
        export_jobs.record_download(job, request)
        return FileResponse(
            open(job.file.path, "rb"),  # noqa: SIM115 - closed by the response
            as_attachment=True,
            filename=job.file_name,
            content_type=XLSX_CONTENT_TYPE,
        )


class ExportJobListView(LoginRequiredMixin, ListView[ExportJob]):
    template_name = "core/export_list.html"
    context_object_name = "jobs"
    paginate_by = 25

    def get_queryset(self) -> QuerySet[ExportJob]:
        return ExportJob.objects.visible_to(cast("User", self.request.user))
