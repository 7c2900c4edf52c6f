"""Training's own pages: the check-in QR code and its link, the video player with its
progress reports, certificates and their public check, and the figures."""

import json

import segno
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
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
from rencai.core.exports import write_xlsx, xlsx_response
from rencai.core.models import AuditAction
from rencai.core.objects import config_for_model
from rencai.core.objects.pages import RoleRequiredMixin
from rencai.core.personal import mask_name
from rencai.core.ranges import ranged_file_response
from rencai.core.roles import ALL_BUT_EXPERTS, OFFICE_AND_LIAISONS, STAFF_AND_LIAISONS
from rencai.training import figures, services
from rencai.training.documents import certificate_docx
from rencai.training.models import CheckMethod, Enrollment, Session, Video, WatchProgress


class QrView(RoleRequiredMixin, TemplateView):
    """The check-in code of a session for the screen in the room; it changes every minute."""

    template_name = "training/qr.html"
    roles = OFFICE_AND_LIAISONS
    denied_message = gettext_lazy("只有办公室人员和承办培训班机构的联络员可以展示签到码。")

    def get(self, request, pk: int):
        session = get_object_or_404(
            Session.objects.select_related(
                "training_class", "training_class__organization", "training_class__delegated_to"
            ),
            pk=pk,
        )
        if not services.may_show_qr(session, request.user):
            raise PermissionDenied(self.denied_message)
        url = request.build_absolute_uri(services.qr_path(session))
        context = {
            "session": session,
            "url": url,
            "svg": segno.make(url, error="m").svg_inline(scale=8),
            "count": session.attendances.count(),
        }
        template = "training/_qr_code.html" if request.headers.get("HX-Request") else self.template_name
        return render(request, template, context)


class CheckInView(LoginRequiredMixin, View):
    """The QR code's link: a talent who opens it (logged in) is marked present."""

    def get(self, request, session: int, step: int, token: str):
        talent = services.own_talent(request.user)
        target = get_object_or_404(Session.objects.select_related("training_class"), pk=session)
        try:
            services.check_qr(session, step, token)
            if talent is None:
                raise Refused(_("请使用学员本人账号登录后扫码签到。"))
            attendance = services.check_in(target, talent, CheckMethod.QR)
        except Refused as exc:
            return render(request, "training/checkin.html", {"session": target, "error": str(exc)}, status=400)
        return render(request, "training/checkin.html", {"session": target, "attendance": attendance})


class VideoMixin(RoleRequiredMixin):
    roles = ALL_BUT_EXPERTS
    denied_message = gettext_lazy("您的角色无权观看。")
    request: HttpRequest  # set by the View this mixes into

    def video(self, pk: int) -> Video:
        config = config_for_model(Video)
        assert config is not None  # registered in training.objects
        return get_object_or_404(config.visible(self.request.user), pk=pk)


class WatchView(VideoMixin, TemplateView):
    template_name = "training/watch.html"

    def get_context_data(self, **kwargs):
        video = self.video(kwargs["pk"])
        talent = services.own_talent(self.request.user)
        progress = services.progress_for(video, talent) if talent else None
        return {"video": video, "progress": progress}


class StreamView(VideoMixin, View):
    def get(self, request, pk: int):
        video = self.video(pk)
        return ranged_file_response(request, video.file.open("rb"), video.content_type, filename=f"{video.title}.mp4")

    head = get


class ProgressView(VideoMixin, View):
    """The player's report: seconds played since the last report."""

    def post(self, request, pk: int):
        video = self.video(pk)
        talent = services.own_talent(request.user)
        if talent is None:
            return JsonResponse({"error": _("只有学员本人的观看计入学时。")}, status=403)
        try:
            payload = json.loads(request.body or b"{}")
            start, end = int(payload.get("from", 0)), int(payload.get("to", 0))
        except (ValueError, TypeError):
            return JsonResponse({"error": _("上报的观看进度无效。")}, status=400)
        with transaction.atomic():
            progress = WatchProgress.objects.select_for_update().get(pk=services.progress_for(video, talent).pk)
            try:
                credited = services.report_progress(progress, start, end)
            except Refused as exc:
                progress.last_report_at = timezone.now()
                progress.save(update_fields=["last_report_at", "updated_at"])
                return JsonResponse({"error": str(exc)}, status=409)
        return JsonResponse(
            {
                "seen_seconds": progress.seen_seconds,
                "share": str(progress.share),
                "credited": progress.credited_on is not None,
                "just_credited": credited,
                "hours": str(progress.hours),
            }
        )


class CertificateView(RoleRequiredMixin, View):
    roles = ALL_BUT_EXPERTS
    denied_message = gettext_lazy("您的角色无权下载。")

    def get(self, request, pk: int):
        enrollment = get_object_or_404(Enrollment.objects.visible_to(request.user), pk=pk)
        if not enrollment.certificate_number:
            raise Http404
        content = certificate_docx(
            enrollment,
            request.build_absolute_uri(reverse("training:certificate-verify", args=[enrollment.certificate_number])),
        )
        audit.record(
            AuditAction.EXPORT, obj=enrollment, changes={"certificate": enrollment.certificate_number}, request=request
        )
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )
        disposition = content_disposition_header(
            True, f"结业证书-{enrollment.certificate_number}.docx"
        )  # i18n: document
        assert disposition is not None  # only None for an inline response without a file name
        response["Content-Disposition"] = disposition
        return response


class CertificateVerifyView(View):
    """Public: anyone holding a certificate's number may check it (name shown masked)."""

    def get(self, request, number: str):
        enrollment = (
            Enrollment.objects.filter(certificate_number=number)
            .select_related("talent", "training_class__programme")
            .first()
        )
        masked = mask_name(enrollment.talent.name) if enrollment else ""
        context = {"enrollment": enrollment, "number": number, "masked_name": masked}
        return render(request, "training/certificate_verify.html", context, status=200 if enrollment else 404)


class FiguresView(RoleRequiredMixin, TemplateView):
    """Classes (期), participants (人次), hours per person and coverage, per institution and
    for the city; a liaison sees their own institution."""

    template_name = "training/figures.html"
    roles = STAFF_AND_LIAISONS
    denied_message = gettext_lazy("您的角色无权查看培训统计。")

    def get(self, request, *args, **kwargs):
        period = figures.Period.from_query(request.GET)
        kind = request.GET.get("kind", "")
        table = figures.by_institution(request.user, period, kind)
        if request.GET.get("format") == "xlsx":
            audit.record(
                AuditAction.EXPORT, object_type="training.figures", changes={"period": str(period)}, request=request
            )
            return xlsx_response(
                write_xlsx(_("培训统计"), [str(h) for h in figures.HEADERS], figures.rows(table)),
                _("培训统计-%(period)s") % {"period": period},
            )
        return self.render_to_response(
            {
                "period": period,
                "kind": kind,
                "kinds": figures.institution_kinds(),
                "table": table,
                "sentence": figures.city_sentence(table),
                "headers": figures.HEADERS,
            }
        )
