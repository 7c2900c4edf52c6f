"""The review engine's own pages: the scoring form, the ranking, and the draw's public
verification."""

import json

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from rencai.core import audit
from rencai.core.errors import Refused
from rencai.core.exports import write_xlsx, xlsx_response
from rencai.core.models import AuditAction
from rencai.core.objects import registered, sections_for
from rencai.core.objects.pages import RoleRequiredMixin
from rencai.core.roles import BUSINESS_ROLES, CITYWIDE_READERS, role_of
from rencai.evaluation import services
from rencai.evaluation.draw import canonical_json, lot
from rencai.evaluation.forms import ScoreForm
from rencai.evaluation.models import Draw, DrawState, Review, ReviewState, ScoreSheet, SheetState


class ScoreView(LoginRequiredMixin, TemplateView):
    """A reviewer scores one assigned item; any other item is a 404."""

    template_name = "evaluation/score.html"

    def sheet(self) -> ScoreSheet:
        return get_object_or_404(
            ScoreSheet.objects.visible_to(self.request.user)
            .filter(reviewer__user=self.request.user)
            .select_related("item__review__rubric", "reviewer__talent"),
            pk=self.kwargs["pk"],
        )

    def form(self, sheet: ScoreSheet, data=None) -> ScoreForm:
        scores = {s.criterion_id: s for s in sheet.scores.all()}
        form = ScoreForm(sheet.item.review.rubric.criteria.all(), scores, data=data)
        form.fields["comment"].initial = sheet.comment
        return form

    def get(self, request, *args, **kwargs):
        sheet = self.sheet()
        return self.render_to_response(self.context(sheet, self.form(sheet)))

    def post(self, request, *args, **kwargs):
        sheet = self.sheet()
        form = self.form(sheet, data=request.POST)
        if form.is_valid():
            final = "submit" in request.POST
            try:
                services.save_scores(sheet, form.values(), form.comments(), form.cleaned_data["comment"], final)
            except Refused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("评分已提交，不能再修改。") if final else _("评分已暂存。"))
                return HttpResponseRedirect(reverse("objects:score-sheets-detail", args=[sheet.pk]))
        return self.render_to_response(self.context(sheet, form), status=400)

    def context(self, sheet: ScoreSheet, form: ScoreForm) -> dict:
        config = registered()["review-items"]
        return {
            "sheet": sheet,
            "form": form,
            "locked": sheet.state == SheetState.SUBMITTED,
            "full_marks": sheet.item.review.rubric.full_marks(),
            "item_sections": sections_for(config, sheet.item, self.request.user),
        }


class RankingView(RoleRequiredMixin, TemplateView):
    """The office's live ranking with outliers flagged; ``?format=xlsx`` downloads it."""

    template_name = "evaluation/ranking.html"
    roles = CITYWIDE_READERS
    denied_message = gettext_lazy("您的角色无权查看评审排名。")

    def get(self, request, *args, **kwargs):
        review = get_object_or_404(Review.objects.visible_to(request.user).select_related("rubric"), pk=kwargs["pk"])
        ordered = services.results(review)
        criteria = list(review.rubric.criteria.all())
        if request.GET.get("format") == "xlsx":
            return self.export(review, ordered, criteria)
        done, total = services.scoring_progress(review)
        return self.render_to_response(
            {
                "review": review,
                "results": ordered,
                "criteria": criteria,
                "done": done,
                "total": total,
                "tie_break": review.get_tie_break_display(),
            }
        )

    def export(self, review: Review, ordered, criteria) -> HttpResponse:
        headers = [
            "名次",
            "评审对象",
            "申报单位",
            *[c.name for c in criteria],
            "专家评分",
            "得票数",
            "综合得分",
            "评分表数",
            "偏离提示",
        ]
        rows = [
            [
                r.rank or "",
                r.item.label,
                r.item.organization.name,
                *[str(v) for v in r.criteria_means],
                str(r.expert or ""),
                r.item.votes,
                str(r.total or ""),
                len(r.sheets),
                "、".join(str(s.reviewer.talent) for s in r.outlier_sheets),
            ]
            for r in ordered
        ]
        audit.record(
            AuditAction.EXPORT, obj=review, changes={"export": "ranking", "rows": len(rows)}, request=self.request
        )
        return xlsx_response(write_xlsx("评审排名", headers, rows), f"{review.title}-排名")


class DrawVerifyView(TemplateView):
    """The draw recomputed from its published record. Office staff and leaders may open it
    at once; every other business user, and anyone without logging in, once the review
    has ended (expert names stay confidential while scoring is under way; the public page
    shows them masked)."""

    template_name = "evaluation/draw_verify.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and role_of(user) not in BUSINESS_ROLES:
            raise PermissionDenied(_("您的角色无权查看。"))
        if not user.is_authenticated and not self.closed_draws().filter(pk=kwargs["pk"]).exists():
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)

    def closed_draws(self):
        return (
            Draw.objects.exclude(state=DrawState.PREPARED)
            .filter(review__state=ReviewState.CLOSED)
            .select_related("review")
        )

    def get(self, request, *args, **kwargs):
        draw = self.draw()
        record = services.published_record(draw)
        if request.GET.get("format") == "json":
            response = HttpResponse(
                json.dumps(record, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
            )
            response["Content-Disposition"] = f'attachment; filename="draw-{draw.pk}.json"'
            return response
        return self.render_to_response(
            {
                "draw": draw,
                "record": record,
                "parameters_json": canonical_json(draw.parameters),
                "parameters_text": services.describe_parameters(draw.parameters),
                "checks": services.verify_draw(draw),
                "order": self.order(draw),
            }
        )

    def draw(self) -> Draw:
        user = self.request.user
        if user.is_authenticated and role_of(user) in CITYWIDE_READERS:
            draws = Draw.objects.exclude(state=DrawState.PREPARED).select_related("review")
        else:
            draws = self.closed_draws()
        return get_object_or_404(draws, pk=self.kwargs["pk"])

    def order(self, draw: Draw) -> list[dict]:
        names = {c["id"]: c for c in draw.candidates}
        return [
            {"position": i, "lot": lot(draw.seed, cid), **names.get(cid, {"id": cid})}
            for i, cid in enumerate(draw.drawn, start=1)
        ]
