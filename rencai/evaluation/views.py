"""The review engine's objects (declared once for pages, export and API) and its own pages:
the scoring form, the ranking, and the draw's public verification."""

import json
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from rencai.core import audit
from rencai.core.actions import Action, ActionRefused
from rencai.core.exports import write_xlsx, xlsx_response
from rencai.core.generic import RoleRequiredMixin
from rencai.core.models import AuditAction, next_edition
from rencai.core.objects import ObjectConfig, Section, register, registered, related_sections, sections_for
from rencai.core.roles import BUSINESS_ROLES, CITYWIDE_READERS, Role, role_of
from rencai.core.todos import Todo, todo_provider
from rencai.evaluation import services
from rencai.evaluation.draw import canonical_json, lot
from rencai.evaluation.filters import ScoreSheetFilter
from rencai.evaluation.models import (
    Criterion,
    Declaration,
    Draw,
    DrawState,
    Review,
    Reviewer,
    ReviewerState,
    ReviewItem,
    ReviewState,
    Rubric,
    ScoreSheet,
    SheetState,
)

OFFICE = frozenset({Role.OFFICE})
OFFICE_AND_LEADERS = frozenset({Role.OFFICE, Role.LEADER})
REVIEW_READERS = frozenset({Role.OFFICE, Role.LEADER, Role.REVIEWER})


def _refuse_if_in_use(rubric: Rubric) -> None:
    if rubric.in_use():
        raise ActionRefused(_("该评分细则已在评审中使用，不能修改或删除；请使用“另存为新版本”。"))


def _new_version(rubric: Rubric, user, data: dict) -> str:
    copy = next_edition(rubric, {"name": rubric.name}, ("criteria",))
    return _("已另存为新版本：%(rubric)s") % {"rubric": copy}


@register
class RubricObjects(ObjectConfig):
    model = Rubric
    slug = "rubrics"
    nav_section = "selections"
    list_columns = ["name", "edition", "full_marks", "is_active"]
    detail_fields = ["name", "edition", "previous", "description", "is_active", "full_marks"]
    form_fields = ["name", "description", "is_active"]
    search_fields = ["name"]
    ordering = ["name", "-edition"]
    view_roles = OFFICE_AND_LEADERS
    change_roles = OFFICE
    actions = [Action("new_version", _("另存为新版本"), OFFICE, _new_version)]

    def before_save(self, instance, user, creating):
        if not creating:
            _refuse_if_in_use(instance)

    def before_delete(self, instance, user):
        _refuse_if_in_use(instance)

    def detail_sections(self, obj, user) -> list[Section]:
        return related_sections(
            [(_("评分项目"), Criterion, ["order", "name", "description", "max_score", "weight"])], user, rubric=obj.pk
        )


@register
class CriterionObjects(ObjectConfig):
    model = Criterion
    slug = "rubric-criteria"
    list_columns = ["rubric", "order", "name", "max_score", "weight"]
    form_fields = ["rubric", "order", "name", "description", "max_score", "weight"]
    ordering = ["rubric", "order"]
    view_roles = OFFICE_AND_LEADERS
    change_roles = OFFICE

    def before_save(self, instance, user, creating):
        _refuse_if_in_use(instance.rubric)

    def before_delete(self, instance, user):
        _refuse_if_in_use(instance.rubric)


def _close_review(review: Review, user, data: dict) -> str:
    ordered = services.close_review(review)
    return _("评审已结束，共%(count)s个评审对象完成排名。") % {"count": len(ordered)}


@register
class ReviewObjects(ObjectConfig):
    model = Review
    slug = "reviews"
    nav_section = "selections"
    list_columns = ["title", "rubric", "state", "expert_weight", "qualification_weight", "vote_weight"]
    form_fields = [
        "title",
        "rubric",
        "expert_weight",
        "qualification_weight",
        "vote_weight",
        "trim_min_reviewers",
        "outlier_percent",
        "tie_break",
    ]
    search_fields = ["title"]
    view_roles = REVIEW_READERS
    change_roles = OFFICE
    actions = [
        Action(
            "close",
            _("结束评审并排名"),
            OFFICE,
            _close_review,
            available=lambda review, user: review.state == ReviewState.SCORING,
            style="success",
        )
    ]

    def before_save(self, instance, user, creating):
        if creating:
            instance.organization = user.organization
        elif instance.state != ReviewState.PREPARING:
            raise ActionRefused(_("评审已开始评分，不能再修改评审规则。"))

    def detail_links(self, obj, user):
        if role_of(user) in OFFICE_AND_LEADERS:
            return [(_("排名与评分汇总"), reverse("evaluation:ranking", args=[obj.pk]))]
        return []

    def detail_sections(self, obj, user) -> list[Section]:
        sections = related_sections(
            [
                (_("专家抽取"), Draw, ["pk", "state", "wanted", "backups", "drawn_at", "signed_at"]),
                (_("评审专家"), Reviewer, ["position", "talent", "state", "replaces", "declined_reason"]),
                (_("评审对象"), ReviewItem, ["label", "organization", "rank", "total_score"]),
            ],
            user,
            review=obj.pk,
        )
        if role_of(user) in OFFICE_AND_LEADERS and obj.state != ReviewState.PREPARING:
            done, total = services.scoring_progress(obj)
            sections[-1].notes.append(
                _("评分进度：已提交 %(done)s / %(total)s 份评分表。") % {"done": done, "total": total}
            )
        return sections


@register
class ReviewItemObjects(ObjectConfig):
    model = ReviewItem
    slug = "review-items"
    list_columns = ["review", "label", "organization", "qualification_score", "votes", "expert_score", "rank"]
    form_fields = ["qualification_score"]
    search_fields = ["label"]
    view_roles = REVIEW_READERS
    create_roles = frozenset()
    change_roles = OFFICE
    delete_roles = frozenset()

    def before_save(self, instance, user, creating):
        if instance.review.state == ReviewState.CLOSED:
            raise ActionRefused(_("评审已结束，不能修改资格评审得分。"))


def _draw_inputs() -> dict:
    return {
        "number": forms.CharField(
            label=_("监督人现场输入的随机数"),
            min_length=4,
            max_length=30,
            help_text=_("4至30位数字，由监督人在抽取时当场输入，输入后立即抽取。"),
        )
    }


def _execute(draw: Draw, user, data: dict) -> str:
    seats = services.execute_draw(draw, user, data["number"])
    return _("已抽取专家%(count)s名（含备选），请核对后签字确认。") % {"count": len(seats)}


def _sign(draw: Draw, user, data: dict) -> str:
    services.sign_draw(draw, user)
    return _("已签字确认，评审专家可以开始评分。")


@register
class DrawObjects(ObjectConfig):
    model = Draw
    slug = "draws"
    nav_section = "selections"
    list_columns = ["review", "state", "wanted", "backups", "prepared_by", "supervisor", "drawn_at", "signed_at"]
    detail_fields = [
        "review",
        "state",
        "pools",
        "specialty",
        "pool_level",
        "wanted",
        "backups",
        "recusal_years",
        "prepared_by",
        "supervisor",
        "supervisor_number",
        "seed",
        "drawn_at",
        "signed_at",
    ]
    form_fields = ["review", "pools", "specialty", "pool_level", "wanted", "backups", "recusal_years"]
    view_roles = OFFICE_AND_LEADERS
    create_roles = OFFICE
    change_roles = frozenset()
    delete_roles = OFFICE
    actions = [
        Action(
            "execute",
            _("监督人输入随机数并抽取"),
            OFFICE_AND_LEADERS,
            _execute,
            inputs=_draw_inputs,
            available=lambda draw, user: draw.state == DrawState.PREPARED and user.pk != draw.prepared_by_id,
            style="primary",
        ),
        Action(
            "sign",
            _("监督人签字确认"),
            OFFICE_AND_LEADERS,
            _sign,
            available=lambda draw, user: draw.state == DrawState.DRAWN and user.pk == draw.supervisor_id,
            style="success",
        ),
    ]

    def limit_form_choices(self, form, user) -> None:
        super().limit_form_choices(form, user)
        form.fields["review"].queryset = form.fields["review"].queryset.filter(state=ReviewState.PREPARING)

    def before_save(self, instance, user, creating):
        instance.prepared_by = user

    def after_save(self, instance, user, creating):
        services.prepare_draw(instance)
        return _("候选专家名单已生成（%(eligible)s人，回避%(removed)s人），请监督人输入随机数抽取。") % {
            "eligible": len(instance.candidates),
            "removed": len(instance.removed),
        }

    def before_delete(self, instance, user):
        if instance.state != DrawState.PREPARED:
            raise ActionRefused(_("已抽取的记录不能删除。"))

    def detail_links(self, obj, user):
        if obj.state == DrawState.PREPARED:
            return []
        return [(_("公开验证"), reverse("evaluation:draw-verify", args=[obj.pk]))]

    def detail_sections(self, obj, user) -> list[Section]:
        candidates = Section(
            title=_("候选专家名单（回避后，抽取前公布）"),
            headers=[_("编号"), _("姓名"), _("工作单位")],
            rows=[("", [str(c["id"]), c["name"], c["organization"]]) for c in obj.candidates],
            key="candidates",
        )
        removed = Section(
            title=_("回避名单及原因"),
            headers=[_("编号"), _("姓名"), _("工作单位"), _("回避原因")],
            rows=[("", [str(c["id"]), c["name"], c["organization"], "；".join(c["reasons"])]) for c in obj.removed],
            key="removed",
        )
        return [
            candidates,
            removed,
            *related_sections(
                [(_("抽取结果"), Reviewer, ["position", "talent", "state", "user", "replaces"])], user, draw=obj.pk
            ),
        ]


def _decline_inputs() -> dict:
    return {"reason": forms.CharField(label=_("谢绝原因"), max_length=200)}


def _decline(reviewer: Reviewer, user, data: dict) -> str:
    backup = services.decline(reviewer, data["reason"])
    if backup is None:
        return _("已记录谢绝；备选专家已用完，请重新抽取。")
    return _("已记录谢绝，备选专家%(name)s递补。") % {"name": backup.talent}


@register
class ReviewerObjects(ObjectConfig):
    model = Reviewer
    slug = "reviewers"
    list_columns = ["review", "position", "talent", "user", "state", "replaces", "declined_reason"]
    view_roles = REVIEW_READERS
    create_roles = frozenset()
    change_roles = frozenset()
    delete_roles = frozenset()
    actions = [
        Action(
            "decline",
            _("谢绝评审（备选递补）"),
            frozenset({Role.OFFICE, Role.REVIEWER}),
            _decline,
            inputs=_decline_inputs,
            available=lambda r, user: (
                r.state == ReviewerState.ACTIVE and (role_of(user) == Role.OFFICE or r.user_id == user.pk)
            ),
            style="outline-danger",
        )
    ]


@register
class ScoreSheetObjects(ObjectConfig):
    model = ScoreSheet
    slug = "score-sheets"
    nav_section = "selections"
    list_columns = ["item", "reviewer", "state", "total", "is_outlier", "submitted_at"]
    filterset_class = ScoreSheetFilter
    search_fields = ["item__label"]
    detail_fields = ["item", "reviewer", "state", "total", "comment", "is_outlier", "submitted_at"]
    ordering = ["state", "item"]
    view_roles = REVIEW_READERS
    create_roles = frozenset()
    change_roles = frozenset()
    delete_roles = frozenset()

    def detail_links(self, obj, user):
        if obj.state == SheetState.DRAFT and obj.reviewer.user_id == user.pk:
            return [(_("打分"), reverse("evaluation:score", args=[obj.pk]))]
        return []

    def detail_sections(self, obj, user) -> list[Section]:
        scores = {s.criterion_id: s for s in obj.scores.all()}
        return [
            Section(
                title=_("单项得分"),
                headers=[_("评分项目"), _("满分"), _("得分"), _("评语")],
                rows=[
                    (
                        "",
                        [
                            c.name,
                            str(c.max_score),
                            str(scores[c.pk].value) if c.pk in scores else "",
                            scores[c.pk].comment if c.pk in scores else "",
                        ],
                    )
                    for c in obj.item.review.rubric.criteria.all()
                ],
                key="scores",
            )
        ]


@register
class DeclarationObjects(ObjectConfig):
    model = Declaration
    slug = "declarations"
    nav_section = "selections"
    list_columns = ["expert", "kind", "related_talent", "related_organization", "review", "description", "declared_on"]
    form_fields = ["expert", "kind", "related_talent", "related_organization", "review", "description"]
    search_fields = ["expert__name_simplified", "description"]
    view_roles = OFFICE_AND_LEADERS
    change_roles = OFFICE


# --- pages of their own --------------------------------------------------------------


class ScoreForm(forms.Form):
    """One input and one comment per criterion, bounded by its maximum."""

    def __init__(self, criteria, scores, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for c in self.criteria:
            existing = scores.get(c.pk)
            self.fields[f"value_{c.pk}"] = forms.DecimalField(
                label=f"{c.order}. {c.name}",
                required=False,
                min_value=Decimal(0),
                max_value=c.max_score,
                decimal_places=2,
                help_text=c.description,
                initial=existing.value if existing else None,
                error_messages={
                    "max_value": _("得分不能超过满分%(max)s分。") % {"max": c.max_score},
                    "min_value": _("得分不能小于0。"),
                    "invalid": _("请填写数字。"),
                },
                widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.5", "data-max": str(c.max_score)}),
            )
            self.fields[f"comment_{c.pk}"] = forms.CharField(
                label=_("评语"),
                required=False,
                max_length=500,
                initial=existing.comment if existing else "",
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )
        self.fields["comment"] = forms.CharField(
            label=_("总体评价"), required=False, widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"})
        )

    def rows(self):
        return [(c, self[f"value_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def values(self) -> dict[int, Decimal]:
        return {
            c.pk: self.cleaned_data[f"value_{c.pk}"]
            for c in self.criteria
            if self.cleaned_data.get(f"value_{c.pk}") is not None
        }

    def comments(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data.get(f"comment_{c.pk}", "") for c in self.criteria}


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
                with transaction.atomic():
                    locked = ScoreSheet.objects.select_for_update().get(pk=sheet.pk)
                    services.submit_sheet(locked, form.values(), form.comments(), form.cleaned_data["comment"], final)
            except ActionRefused as exc:
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


class DrawVerifyView(RoleRequiredMixin, TemplateView):
    """The draw recomputed from its published record. Office staff and leaders may open it
    at once; every other business user once the review has ended (expert names stay
    confidential while scoring is under way)."""

    template_name = "evaluation/draw_verify.html"
    roles = BUSINESS_ROLES
    denied_message = gettext_lazy("您的角色无权查看。")

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
                "checks": services.verify_draw(draw),
                "order": self.order(draw),
            }
        )

    def draw(self) -> Draw:
        user = self.request.user
        draws = Draw.objects.exclude(state=DrawState.PREPARED).select_related("review")
        if role_of(user) not in CITYWIDE_READERS:
            draws = draws.filter(review__state=ReviewState.CLOSED)
        return get_object_or_404(draws, pk=self.kwargs["pk"])

    def order(self, draw: Draw) -> list[dict]:
        names = {c["id"]: c for c in draw.candidates}
        return [
            {"position": i, "lot": lot(draw.seed, cid), **names.get(cid, {"id": cid})}
            for i, cid in enumerate(draw.drawn, start=1)
        ]


@todo_provider
def sheets_to_score(user) -> list[Todo]:
    if role_of(user) != Role.REVIEWER:
        return []
    count = (
        ScoreSheet.objects.visible_to(user)
        .filter(state=SheetState.DRAFT, item__review__state=ReviewState.SCORING)
        .count()
    )
    if not count:
        return []
    return [Todo(_("待评分的评审对象"), reverse("objects:score-sheets-list") + "?state=draft", count)]


@todo_provider
def draws_to_sign(user) -> list[Todo]:
    if role_of(user) not in OFFICE_AND_LEADERS:
        return []
    count = Draw.objects.filter(state=DrawState.DRAWN, supervisor=user).count()
    return [Todo(_("待签字确认的专家抽取"), reverse("objects:draws-list"), count)] if count else []
