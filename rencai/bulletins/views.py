"""The information desk's own pages: an issue as a Word 简报 or PDF, an attachment's
download, the units' ranking with its Excel export and notice (通报), and the liaison
coverage of the institutions."""

from __future__ import annotations

from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from rencai.bulletins import documents
from rencai.bulletins.models import InfoAttachment, Liaison, current_liaisons
from rencai.bulletins.scores import HEADERS, ScorePeriod, unit_scores
from rencai.core import audit
from rencai.core.errors import Refused
from rencai.core.exports import write_xlsx, xlsx_response
from rencai.core.models import AuditAction
from rencai.core.objects import registered
from rencai.core.objects.pages import RoleRequiredMixin
from rencai.core.roles import CITYWIDE_READERS, STAFF_AND_LIAISONS
from rencai.orgs.models import Organization


def _refused(request, exc: Refused) -> HttpResponse:
    return render(request, "bulletins/refused.html", {"message": str(exc)}, status=exc.status)


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _attachment(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    disposition = content_disposition_header(True, name)
    assert disposition is not None  # only None for an inline response without a file name
    response["Content-Disposition"] = disposition
    return response


class IssueDocxView(RoleRequiredMixin, View):
    roles = STAFF_AND_LIAISONS
    denied_message = gettext_lazy("您的角色无权下载期刊。")

    def get(self, request, pk: int):
        issue = get_object_or_404(registered()["periodical-issues"].visible(request.user), pk=pk)
        content = documents.issue_docx(issue)
        audit.record(AuditAction.EXPORT, obj=issue, changes={"format": "docx"}, request=request)
        return _attachment(
            content, DOCX, f"{issue.periodical.name}-{issue.year}年第{issue.number}期.docx"
        )  # i18n: document


class IssuePdfView(RoleRequiredMixin, View):
    roles = STAFF_AND_LIAISONS
    denied_message = gettext_lazy("您的角色无权下载期刊。")

    def get(self, request, pk: int):
        issue = get_object_or_404(registered()["periodical-issues"].visible(request.user), pk=pk)
        content = documents.to_pdf(documents.issue_docx(issue))
        if content is None:
            return _refused(request, Refused(_("本服务器未安装LibreOffice，暂不能生成PDF，请下载Word版。")))
        audit.record(AuditAction.EXPORT, obj=issue, changes={"format": "pdf"}, request=request)
        return _attachment(
            content, "application/pdf", f"{issue.periodical.name}-{issue.year}年第{issue.number}期.pdf"
        )  # i18n: document


class AttachmentDownloadView(RoleRequiredMixin, View):
    roles = STAFF_AND_LIAISONS
    denied_message = gettext_lazy("您的角色无权下载附件。")

    def get(self, request, pk: int):
        attachment: InfoAttachment = get_object_or_404(registered()["info-attachments"].visible(request.user), pk=pk)
        audit.record(AuditAction.EXPORT, obj=attachment, changes={"file": attachment.file_name}, request=request)
        return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.file_name)


def _period(query) -> ScorePeriod:
    today = timezone.localdate()
    try:
        year = int(query.get("year") or today.year)
        month = int(query["month"]) if query.get("month") else None
    except ValueError as exc:
        raise Refused(_("年度或月份不正确。")) from exc
    if not 2000 <= year <= 2100 or (month is not None and not 1 <= month <= 12):
        raise Refused(_("年度或月份不正确。"))
    return ScorePeriod(year, month)


class RankingView(RoleRequiredMixin, TemplateView):
    """The units' scores of a month or a year, ranked; as Excel and as a notice."""

    template_name = "bulletins/ranking.html"
    roles = CITYWIDE_READERS
    denied_message = gettext_lazy("只有办公室人员和领导可以查看信息工作排名。")

    def get(self, request, *args, **kwargs):
        try:
            period = _period(request.GET)
        except Refused as exc:
            return _refused(request, exc)
        rows = unit_scores(period)
        kind = request.GET.get("format")
        if kind == "xlsx":
            audit.record(
                AuditAction.EXPORT, object_type="bulletins.ranking", changes={"period": period.chinese}, request=request
            )
            return xlsx_response(
                write_xlsx(_("信息工作排名"), [str(h) for h in HEADERS], [r.row() for r in rows]),
                _("信息工作排名-%(period)s") % {"period": period},
            )
        if kind == "notice":
            audit.record(
                AuditAction.EXPORT, object_type="bulletins.notice", changes={"period": period.chinese}, request=request
            )
            return _attachment(
                documents.ranking_notice_docx(period, rows), DOCX, f"信息报送工作通报-{period.chinese}.docx"
            )  # i18n: document
        return self.render_to_response(
            {
                "period": period,
                "rows": rows,
                "headers": HEADERS,
                "months": range(1, 13),
                "query": request.GET.urlencode(),
            }
        )


class CoverageView(RoleRequiredMixin, TemplateView):
    """Which institutions have a liaison in term, which none (by kind), and turnover."""

    template_name = "bulletins/coverage.html"
    roles = CITYWIDE_READERS
    denied_message = gettext_lazy("只有办公室人员和领导可以查看联络员覆盖情况。")

    def get(self, request, *args, **kwargs):
        today = timezone.localdate()
        current = current_liaisons()
        paths = list(current.values_list("organization__path", flat=True))
        institutions = Organization.objects.filter(parent__isnull=True, is_active=True).exclude(kind="government")
        rows = []
        for org in institutions.order_by("kind", "path"):
            count = sum(1 for path in paths if path.startswith(org.path))
            rows.append((org, count))
        ended = Liaison.objects.filter(term_end__lt=today, term_end__year=today.year).count()
        started = Liaison.objects.filter(term_start__year=today.year).count()
        return self.render_to_response(
            {
                "rows": rows,
                "missing": [org for org, count in rows if count == 0],
                "current": current.count(),
                "ended": ended,
                "started": started,
                "year": today.year,
            }
        )
