"""The review engine's objects, declared once for pages, export and API: rubrics and their
criteria, reviews and their items, expert draws and seats, score sheets and declarations."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _

from rencai.core.errors import Conflict
from rencai.core.models import next_edition
from rencai.core.objects import Action, ObjectConfig, Policy, Section, register, related_sections
from rencai.core.roles import (
    NOBODY,
    OFFICE_AND_LEADERS,
    OFFICE_AND_REVIEWERS,
    OFFICE_ONLY,
    REVIEW_READERS,
    Role,
    role_of,
)
from rencai.evaluation import services
from rencai.evaluation.filters import ScoreSheetFilter
from rencai.evaluation.forms import draw_inputs
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


def _refuse_if_in_use(rubric: Rubric) -> None:
    if rubric.in_use():
        raise Conflict(_("该评分细则已在评审中使用，不能修改或删除；请使用“另存为新版本”。"))


def _new_version(rubric: Rubric, user, data: dict) -> str:
    copy = next_edition(rubric, {"name": rubric.name}, ("criteria",))
    return _("已另存为新版本：%(rubric)s") % {"rubric": copy}


@register
class RubricObjects(ObjectConfig):
    model = Rubric
    slug = "rubrics"
    nav_section = "setup"
    nav_roles = OFFICE_ONLY
    list_columns = ["name", "edition", "full_marks", "is_active"]
    detail_fields = ["name", "edition", "previous", "description", "is_active", "full_marks"]
    form_fields = ["name", "description", "is_active"]
    search_fields = ["name"]
    ordering = ["name", "-edition"]
    policy = Policy(view=OFFICE_AND_LEADERS, change=OFFICE_ONLY)
    actions = [Action("new_version", _("另存为新版本"), OFFICE_ONLY, _new_version)]

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
    policy = Policy(view=OFFICE_AND_LEADERS, change=OFFICE_ONLY)

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
    nav_roles = REVIEW_READERS
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
        "recusal_level",
    ]
    search_fields = ["title"]
    policy = Policy(view=REVIEW_READERS, change=OFFICE_ONLY)
    actions = [
        Action(
            "close",
            _("结束评审并排名"),
            OFFICE_ONLY,
            _close_review,
            available=lambda review, user: review.state == ReviewState.SCORING,
            style="success",
        )
    ]

    def before_save(self, instance, user, creating):
        if creating:
            instance.organization = user.organization
        elif instance.state != ReviewState.PREPARING:
            raise Conflict(_("评审已开始评分，不能再修改评审规则。"))

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
    policy = Policy(view=REVIEW_READERS, create=NOBODY, change=OFFICE_ONLY, delete=NOBODY)

    def before_save(self, instance, user, creating):
        if instance.review.state == ReviewState.CLOSED:
            raise Conflict(_("评审已结束，不能修改资格评审得分。"))


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
    nav_roles = OFFICE_ONLY
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
    policy = Policy(view=OFFICE_AND_LEADERS, create=OFFICE_ONLY, change=NOBODY, delete=OFFICE_ONLY)
    actions = [
        Action(
            "execute",
            _("监督人输入随机数并抽取"),
            OFFICE_AND_LEADERS,
            _execute,
            inputs=draw_inputs,
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

    def describe_value(self, obj, field_name, value):
        """The draw's record in words: its conditions as a sentence, the lists as names
        (with each recusal's reasons), the drawn order by name."""
        if field_name == "parameters" and isinstance(value, dict):
            return services.describe_parameters(value)
        if field_name in ("candidates", "removed") and isinstance(value, list):
            people = "；".join(
                f"{c.get('name', c.get('id'))}（{c.get('organization', '')}）"
                + (f"：{'、'.join(c['reasons'])}" if c.get("reasons") else "")
                for c in value
                if isinstance(c, dict)
            )
            return _("共%(count)s人：%(people)s") % {"count": len(value), "people": people}
        if field_name == "drawn" and isinstance(value, list):
            names = {c["id"]: c.get("name", c["id"]) for c in obj.candidates if isinstance(c, dict) and "id" in c}
            return "、".join(f"{i}. {names.get(cid, cid)}" for i, cid in enumerate(value, start=1))
        return None

    def may_delete(self, obj, user):
        return obj.state == DrawState.PREPARED

    def before_delete(self, instance, user):
        """A drawn or signed draw is the public record of who reviews: never deleted, by
        the page or the API (both delete through ``delete_object``, which calls this)."""
        if instance.state != DrawState.PREPARED:
            raise Conflict(_("已抽取的记录不能删除。"))

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
    policy = Policy(view=REVIEW_READERS, create=NOBODY, change=NOBODY, delete=NOBODY)
    actions = [
        Action(
            "decline",
            _("谢绝评审（备选递补）"),
            OFFICE_AND_REVIEWERS,
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
    nav_roles = OFFICE_AND_REVIEWERS
    list_columns = ["item", "reviewer", "state", "total", "is_outlier", "submitted_at"]
    filterset_class = ScoreSheetFilter
    search_fields = ["item__label"]
    detail_fields = ["item", "reviewer", "state", "total", "comment", "is_outlier", "submitted_at"]
    ordering = ["state", "item"]
    policy = Policy(view=REVIEW_READERS, create=NOBODY, change=NOBODY, delete=NOBODY)

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
    nav_roles = OFFICE_ONLY
    list_columns = ["expert", "kind", "related_talent", "related_organization", "review", "description", "declared_on"]
    form_fields = ["expert", "kind", "related_talent", "related_organization", "review", "description"]
    search_fields = ["expert__name_simplified", "description"]
    policy = Policy(view=OFFICE_AND_LEADERS, change=OFFICE_ONLY)
