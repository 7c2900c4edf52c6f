"""Pages of the import pipeline, the same for every importable object: upload, the job
page (progress, preview with errors by row, commit, cancel), the error copy and the
template download."""

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView, TemplateView

from rencai.core.exports import xlsx_response
from rencai.core.forms import bootstrapify
from rencai.core.imports import jobs
from rencai.core.imports.schema import ImportSchema, context_for
from rencai.core.models import ImportJob, ImportStatus
from rencai.core.objects import ObjectConfig, registered
from rencai.core.views import ReloadWhenEndedMixin

if TYPE_CHECKING:
    from rest_framework.request import Request

    from rencai.accounts.models import User
    from rencai.orgs.models import Organization

ERRORS_SHOWN = 500


def importable_config(slug: str, user: Any) -> ObjectConfig:
    config = registered().get(slug)
    if config is None or config.import_schema is None:
        raise Http404
    if not config.can_import(user):
        raise PermissionDenied
    return config


def import_schema(config: ObjectConfig) -> ImportSchema:
    """The schema of an object :func:`importable_config` let through."""
    assert config.import_schema is not None
    return config.import_schema()


def own_job(request: "HttpRequest | Request", pk: int) -> ImportJob:
    """A job is seen only by the user who uploaded it."""
    user = cast("User", request.user)  # every import page and API requires a login
    return jobs.mark_if_stale(get_object_or_404(ImportJob, pk=pk, user=user))


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("文件"), help_text=gettext_lazy("Excel（.xlsx、.xls）、WPS / LibreOffice（.ods）或 CSV 文件")
    )
    organization: "forms.ModelChoiceField[Organization]" = forms.ModelChoiceField(
        label=gettext_lazy("所属机构"),
        queryset=None,
        required=False,
        help_text=gettext_lazy("文件中没有“所在单位”列时，这些数据所属的机构；标题中写有“填报单位：……”时可不选"),
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from rencai.orgs.models import Organization

        editable = Organization.objects.editable_by(user)
        field = cast("forms.ModelChoiceField[Organization]", self.fields["organization"])
        field.queryset = editable
        own = getattr(user, "organization_id", None)
        if editable.filter(pk=own).exists():
            field.initial = own
        elif editable.count() == 1:
            field.initial = editable.first()
        bootstrapify(self)


class ImportUploadView(LoginRequiredMixin, TemplateView):
    template_name = "core/import_upload.html"
    config: ObjectConfig

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            self.config = importable_config(kwargs["slug"], request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        schema = import_schema(self.config)
        return {
            **super().get_context_data(**kwargs),
            "config": self.config,
            "form": kwargs.get("form") or UploadForm(user=self.request.user),
            "columns": [(schema.label(c), schema.is_required(c), c.aliases) for c in schema.columns],
            "recent": ImportJob.objects.filter(user=cast("User", self.request.user), object_slug=self.config.slug)[:10],
        }

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = UploadForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            job = jobs.create_job(
                request.user,
                self.config.slug,
                form.cleaned_data["file"],
                form.cleaned_data["organization"],
            )
        except jobs.ImportRefused as exc:
            form.add_error("file", str(exc))
            return self.render_to_response(self.get_context_data(form=form))
        return redirect("imports:job", pk=job.pk)


class ImportTemplateView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        from rencai.core.imports.template_xlsx import write_template

        config = importable_config(slug, request.user)
        schema = import_schema(config)
        content = write_template(schema, context_for(request.user, None, schema))
        return xlsx_response(content, f"{config.slug}-template")


class ImportJobView(LoginRequiredMixin, TemplateView):
    template_name = "core/import_job.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        job = own_job(self.request, kwargs["pk"])
        config = registered()[job.object_slug]
        done, total = jobs.progress_of(job)
        return {
            **super().get_context_data(**kwargs),
            "job": job,
            "config": config,
            "done": done,
            "total": total,
            "percent": min(100, round(done * 100 / total)) if total else 0,
            "summary": job.summary,
            "mapped_columns": self.mapped_columns(config, job),
            "errors": job.errors[:ERRORS_SHOWN],
            "more_errors": max(len(job.errors) - ERRORS_SHOWN, 0),
            "error_rows": job.summary.get("rejected", 0),
            "confirmable": sorted(jobs.confirmable_rows(job)) if job.status == ImportStatus.PREVIEW else [],
        }

    @staticmethod
    def mapped_columns(config: ObjectConfig, job: ImportJob) -> list[tuple[str, str]]:
        schema = import_schema(config)
        labels = {c.field: schema.label(c) for c in schema.columns}
        return [(header, labels.get(field, field)) for header, field in job.summary.get("columns", {}).items()]


class ImportProgressView(ReloadWhenEndedMixin, ImportJobView):
    """The progress bar, polled by htmx; a finished job makes the whole page reload."""

    template_name = "core/_import_progress.html"


class ImportCommitView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = own_job(request, pk)
        importable_config(job.object_slug, request.user)
        rows = [int(n) for n in request.POST.getlist("confirm_row") if n.isdigit()]
        if job.status == ImportStatus.PREVIEW:
            jobs.confirm(job, rows, departments=request.POST.get("create_departments") == "1")
        if job.status != ImportStatus.PREVIEW:
            messages.error(request, _("该导入不在待确认状态，不能写入。"))
        elif refused := jobs.choose_valid_rows_only(job, request.POST.get("valid_rows_only") == "1"):
            messages.error(request, refused)
        else:
            jobs.start(job, commit=True)
        return redirect("imports:job", pk=job.pk)


class ImportCancelView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = own_job(request, pk)
        if job.is_active or job.status == ImportStatus.PREVIEW:
            jobs.request_cancel(job)
            messages.info(request, _("已请求取消；数据库不会写入本次导入的任何数据。"))
        return redirect("imports:job", pk=job.pk)


class ImportErrorCopyView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = own_job(request, pk)
        if not job.file:
            raise Http404
        from rencai.core.imports.error_copy import write_error_copy
        from rencai.core.imports.pipeline import ImportReport
        from rencai.core.imports.schema import RowError

        report = ImportReport(header_row=job.summary.get("header_row", 0))
        for error in job.errors:
            report.add_error(RowError(**error))
        return xlsx_response(write_error_copy(job.file.path, report), f"import-{job.pk}-errors")


class ImportJobListView(LoginRequiredMixin, ListView[ImportJob]):
    template_name = "core/import_list.html"
    context_object_name = "jobs"
    paginate_by = 25

    def get_queryset(self) -> QuerySet[ImportJob]:
        return ImportJob.objects.filter(user=cast("User", self.request.user))  # the page requires a login
