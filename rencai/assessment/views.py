"""The assessment's own pages: a unit's score card (each indicator with its formula,
the records it counted and its evidence, a radar chart and the year before), a round's
ranking with grades, year-on-year change and Excel export, the results notice, and
evidence downloads."""

import json

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from rencai.assessment import documents, services
from rencai.assessment.models import ZERO, AssessmentRound, AssessmentState, RoundState
from rencai.core import audit
from rencai.core.exports import xlsx_response
from rencai.core.models import AuditAction
from rencai.core.objects import registered
from rencai.core.objects.pages import RoleRequiredMixin
from rencai.core.roles import BUSINESS_ROLES, CITYWIDE_READERS, STAFF_AND_LIAISONS, Role, role_of

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: Who may open a score card (each sees only the cards the assessment list shows them).
CARD_ROLES = STAFF_AND_LIAISONS | {Role.REVIEWER}


def category_shares(lines) -> list[dict]:
    """Per indicator category: the points (office score, else self-score) as a share of
    its maximum, for the radar chart."""
    groups: dict[str, list] = {}
    for line in lines:
        if not line.indicator.is_bonus:
            groups.setdefault(line.indicator.category, []).append(line)
    out = []
    for name, rows in groups.items():
        full = sum((r.indicator.max_score for r in rows), ZERO)
        got = sum(((r.office_score if r.office_score is not None else r.self_score) or ZERO for r in rows), ZERO)
        out.append({"name": name, "max": 100, "value": float(round(got * 100 / full, 1)) if full else 0.0})
    return out


class CardView(RoleRequiredMixin, TemplateView):
    template_name = "assessment/card.html"
    roles = CARD_ROLES
    denied_message = gettext_lazy("您的角色无权查看考核计分卡。")

    def get_context_data(self, **kwargs):
        user = self.request.user
        assessment = get_object_or_404(
            registered()["unit-assessments"]
            .visible(user)
            .select_related("round__scheme", "organization", "department"),
            pk=kwargs["pk"],
        )
        lines = list(assessment.scores.select_related("indicator").prefetch_related("files"))
        editable = set(registered()["assessment-scores"].editable(user).values_list("pk", flat=True))
        categories: dict[str, list] = {}
        for line in lines:
            key = _("加分项") if line.indicator.is_bonus else line.indicator.category
            categories.setdefault(key, []).append(
                {"line": line, "url": services.records_url(line, user), "editable": line.pk in editable}
            )
        before = services.previous_result(assessment)
        year = assessment.round.scheme.year
        shares = category_shares(lines)
        before_shares = category_shares(before.scores.select_related("indicator")) if before else []
        return {
            **super().get_context_data(**kwargs),
            "assessment": assessment,
            "categories": categories,
            "before": before,
            "change": (
                assessment.final_score - before.final_score
                if before and before.final_score is not None and assessment.final_score is not None
                else None
            ),
            "radar_json": json.dumps(
                {
                    "now": shares,
                    "before": before_shares,
                    "now_name": _("%(year)s年") % {"year": year},
                    "before_name": _("%(year)s年") % {"year": year - 1},
                },
                ensure_ascii=False,
            ),
            "is_draft": assessment.state == AssessmentState.DRAFT,
            "base_marks": assessment.round.scheme.base_marks(),
            "bonus_cap": assessment.round.scheme.bonus_cap,
        }


def ranking_visible(round_: AssessmentRound, user) -> bool:
    """The office and leaders see a ranking at once; units once it is in publicity."""
    if role_of(user) in CITYWIDE_READERS:
        return True
    return round_.state in (RoundState.PUBLICITY, RoundState.PUBLISHED)


class RankingView(RoleRequiredMixin, TemplateView):
    template_name = "assessment/ranking.html"
    roles = STAFF_AND_LIAISONS
    denied_message = gettext_lazy("您的角色无权查看考核排名。")

    def get(self, request, *args, **kwargs):
        round_ = get_object_or_404(AssessmentRound.objects.select_related("scheme"), pk=kwargs["pk"])
        if not ranking_visible(round_, request.user):
            raise PermissionDenied(_("考核结果公示前，排名仅办公室和领导可见。"))
        entries = [(a, services.previous_result(a)) for a in documents.ranked(round_)]
        if request.GET.get("format") == "xlsx":
            audit.record(
                AuditAction.EXPORT, obj=round_, changes={"export": "ranking", "rows": len(entries)}, request=request
            )
            with translation.override(settings.LANGUAGE_CODE):  # an official table: Chinese grades too
                content = documents.ranking_xlsx(round_, entries)
            return xlsx_response(content, _("%(round)s-排名") % {"round": round_})
        rows = []
        for a, before in entries:
            change = None
            if before and before.final_score is not None and a.final_score is not None:
                change = a.final_score - before.final_score
            rank_change = (before.rank - a.rank) if before and before.rank and a.rank else None
            rows.append({"a": a, "before": before, "change": change, "rank_change": rank_change})
        chart = {
            "names": [a.unit_name for a, _b in entries],
            "now": [float(a.final_score or 0) for a, _b in entries],
            "before": [float(b.final_score or 0) if b else None for _a, b in entries],
        }
        return self.render_to_response(
            {
                "round": round_,
                "rows": rows,
                "chart_json": json.dumps(chart, ensure_ascii=False),
                "deadline": services.appeal_deadline(round_),
            }
        )


class ResultsDocxView(RoleRequiredMixin, View):
    roles = STAFF_AND_LIAISONS
    denied_message = gettext_lazy("您的角色无权下载。")

    def get(self, request, pk: int):
        round_ = get_object_or_404(AssessmentRound.objects.select_related("scheme"), pk=pk)
        with translation.override(settings.LANGUAGE_CODE):  # an official document: always Chinese
            title, content = documents.results_notice(round_)
        audit.record(AuditAction.EXPORT, obj=round_, changes={"document": title}, request=request)
        response = HttpResponse(content, content_type=DOCX)
        disposition = content_disposition_header(True, f"{title}.docx")
        assert disposition is not None
        response["Content-Disposition"] = disposition
        return response


class EvidenceDownloadView(RoleRequiredMixin, View):
    roles = BUSINESS_ROLES
    denied_message = gettext_lazy("您的角色无权下载。")

    def get(self, request, pk: int):
        evidence = get_object_or_404(registered()["assessment-evidence"].visible(request.user), pk=pk)
        audit.record(AuditAction.EXPORT, obj=evidence, changes={"download": evidence.file_name}, request=request)
        return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.file_name)
