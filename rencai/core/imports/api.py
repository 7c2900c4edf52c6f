"""The import pipeline over the API: upload, poll the status, fetch the report, commit,
cancel — the same jobs as the upload page."""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rencai.core.imports import jobs
from rencai.core.imports.views import importable_config
from rencai.core.models import ImportJob, ImportStatus
from rencai.core.permissions import SecondFactorVerified

if TYPE_CHECKING:
    from rest_framework.permissions import _PermissionClass

    from rencai.accounts.models import User
    from rencai.orgs.models import Organization


class UploadSerializer(serializers.Serializer[Any]):
    object = serializers.CharField(help_text=gettext_lazy("对象，如 talents"))
    file = serializers.FileField()
    organization = serializers.IntegerField(required=False, help_text=gettext_lazy("无“所在单位”列时数据所属机构的 ID"))
    all_or_nothing = serializers.BooleanField(
        required=False,
        default=True,
        help_text=gettext_lazy("默认 true：有错误行则整份文件不导入；只导入有效行在提交时选择"),
    )


class CommitSerializer(serializers.Serializer[Any]):
    valid_rows_only = serializers.BooleanField(
        required=False, default=False, help_text=gettext_lazy("只导入有效行、略过有错误的行（须明确选择）")
    )


class JobSerializer(serializers.ModelSerializer[ImportJob]):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = ["id", "object_slug", "file_name", "status", "status_display", "message", "summary", "progress"]

    def get_progress(self, job: ImportJob) -> dict[str, int]:
        done, total = jobs.progress_of(job)
        return {"done": done, "total": total}


class ReportSerializer(JobSerializer):
    # SerializerMetaclass takes declared fields out of the class, so the ``errors``
    # property of Serializer is untouched; the stubs see an override of it.
    errors = serializers.JSONField(help_text=gettext_lazy("逐行逐列的错误（行号、列、代码、中文说明）"))  # type: ignore[assignment]

    class Meta(JobSerializer.Meta):
        fields = [*JobSerializer.Meta.fields, "errors"]


DETAIL = inline_serializer("ImportRefusal", {"detail": serializers.CharField()})


class ImportAPIMixin:
    permission_classes: "Sequence[_PermissionClass]" = [permissions.IsAuthenticated, SecondFactorVerified]

    def job(self, request: Request, pk: int) -> ImportJob:
        user = cast("User", request.user)  # IsAuthenticated
        return jobs.mark_if_stale(get_object_or_404(ImportJob, pk=pk, user=user))


class ImportUploadAPI(ImportAPIMixin, APIView):
    @extend_schema(
        request={"multipart/form-data": UploadSerializer},
        responses={201: JobSerializer, 409: DETAIL},
        description=gettext_lazy("上传表格并开始预检（与导入页面相同的流程）；预检完成后用 commit 确认导入。"),
    )
    def post(self, request: Request) -> Response:
        data = UploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        config = importable_config(data.validated_data["object"], request.user)
        organization = self._organization(request.user, data.validated_data.get("organization"))
        try:
            job = jobs.create_job(
                request.user,
                config.slug,
                data.validated_data["file"],
                organization,
                data.validated_data["all_or_nothing"],
            )
        except jobs.ImportRefused as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response(JobSerializer(job).data, status=status.HTTP_201_CREATED)

    @staticmethod
    def _organization(user: Any, pk: int | None) -> "Organization | None":
        if pk is None:
            return None
        from rencai.orgs.models import Organization

        found: Organization | None = Organization.objects.editable_by(user).filter(pk=pk).first()
        if found is None:
            raise serializers.ValidationError({"organization": _("无权导入到该机构或机构不存在")})
        return found


class ImportJobAPI(ImportAPIMixin, APIView):
    @extend_schema(responses={200: JobSerializer}, description=gettext_lazy("导入任务的状态与进度。"))
    def get(self, request: Request, pk: int) -> Response:
        return Response(JobSerializer(self.job(request, pk)).data)


class ImportReportAPI(ImportAPIMixin, APIView):
    @extend_schema(responses={200: ReportSerializer}, description=gettext_lazy("预检或导入的报告，含逐行错误。"))
    def get(self, request: Request, pk: int) -> Response:
        job = self.job(request, pk)
        return Response(ReportSerializer(job).data)


class ImportCommitAPI(ImportAPIMixin, APIView):
    @extend_schema(
        request=None, responses={202: JobSerializer, 409: DETAIL}, description=gettext_lazy("确认导入预检通过的数据。")
    )
    def post(self, request: Request, pk: int) -> Response:
        job = self.job(request, pk)
        importable_config(job.object_slug, request.user)
        if job.status != ImportStatus.PREVIEW:
            return Response({"detail": _("该导入不在待确认状态")}, status=status.HTTP_409_CONFLICT)
        choice = CommitSerializer(data=request.data)
        choice.is_valid(raise_exception=True)
        valid_rows_only = choice.validated_data["valid_rows_only"] or not job.all_or_nothing
        if refused := jobs.choose_valid_rows_only(job, valid_rows_only):
            return Response({"detail": refused}, status=status.HTTP_409_CONFLICT)
        jobs.start(job, commit=True)
        job.refresh_from_db()
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class ImportCancelAPI(ImportAPIMixin, APIView):
    @extend_schema(
        request=None, responses={202: JobSerializer}, description=gettext_lazy("取消导入任务（已写入的不会部分保留）。")
    )
    def post(self, request: Request, pk: int) -> Response:
        job = self.job(request, pk)
        jobs.request_cancel(job)
        job.refresh_from_db()
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
