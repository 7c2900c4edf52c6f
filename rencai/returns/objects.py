"""Returns declared once (pages, export, API): forms with their indicators and rules,
periods, and each institution's submission with its workflow."""

from django.urls import reverse
from django.utils.translation import gettext as _

from rencai.core.errors import Conflict
from rencai.core.objects import Action, ObjectConfig, Policy, Section, register, related_sections
from rencai.core.roles import NOBODY, OFFICE_AND_LEADERS, OFFICE_AND_LIAISONS, OFFICE_ONLY, STAFF_AND_LIAISONS, role_of
from rencai.returns import services
from rencai.returns.filters import SubmissionFilter
from rencai.returns.forms import IndicatorForm, ReturnFormForm, RuleForm
from rencai.returns.models import Indicator, ReturnForm, ReturnPeriod, Submission, ValidationRule
from rencai.returns.workflows import SUBMISSION_WORKFLOW


def _refuse_in_use(form: ReturnForm) -> None:
    if form.in_use():
        raise Conflict(_("该报表已有填报数据，不能修改或删除；请使用“另存为新版本”。"))


def _new_edition(form: ReturnForm, user, data: dict) -> str:
    return _("已另存为新版本：%(form)s") % {"form": services.new_edition(form)}


@register
class ReturnFormObjects(ObjectConfig):
    model = ReturnForm
    slug = "return-forms"
    nav_section = "returns"
    nav_roles = OFFICE_AND_LEADERS
    list_columns = ["code", "name", "edition", "period_type", "kinds_display", "is_survey"]
    detail_fields = ["code", "name", "edition", "previous", "period_type", "kinds_display", "description", "is_survey"]
    form_class = ReturnFormForm
    search_fields = ["code", "name"]
    policy = Policy(view=STAFF_AND_LIAISONS, change=OFFICE_ONLY)
    actions = [Action("new_edition", _("另存为新版本"), OFFICE_ONLY, _new_edition)]

    def before_save(self, instance, user, creating):
        if not creating:
            _refuse_in_use(instance)

    # A form in use is never deleted: its periods refer to it (PROTECT), and the refusal
    # names them.

    def detail_sections(self, obj, user) -> list[Section]:
        return related_sections(
            [
                (
                    _("指标"),
                    Indicator,
                    ["order", "section", "code", "name", "unit", "kind", "required", "group", "prefill"],
                ),
                (_("校验规则"), ValidationRule, ["expression", "message", "severity"]),
                (_("报告期"), ReturnPeriod, ["label", "starts_on", "ends_on", "due_on", "is_open"]),
            ],
            user,
            form=obj.pk,
        )


class FormPartObjects(ObjectConfig):
    """An indicator or a rule: part of a form, not changed once the form is in use."""

    policy = Policy(view=OFFICE_AND_LEADERS, change=OFFICE_ONLY)

    def before_delete(self, instance, user):
        _refuse_in_use(instance.form)


@register
class IndicatorObjects(FormPartObjects):
    model = Indicator
    slug = "indicators"
    list_columns = ["form", "order", "section", "code", "name", "unit", "kind", "required"]
    form_class = IndicatorForm
    ordering = ["form", "order"]


@register
class RuleObjects(FormPartObjects):
    model = ValidationRule
    slug = "return-rules"
    list_columns = ["form", "expression", "message", "severity"]
    form_class = RuleForm


def _remind(period: ReturnPeriod, user, data: dict) -> str:
    return _("已向%(n)s家未报送的机构发出催报。") % {"n": services.remind(period)}


@register
class PeriodObjects(ObjectConfig):
    model = ReturnPeriod
    slug = "return-periods"
    nav_section = "returns"
    nav_roles = OFFICE_ONLY
    list_columns = ["form", "label", "starts_on", "ends_on", "due_on", "is_open"]
    form_fields = ["form", "label", "starts_on", "ends_on", "due_on", "is_open"]
    policy = Policy(view=STAFF_AND_LIAISONS, change=OFFICE_ONLY)
    actions = [Action("remind", _("催报"), OFFICE_ONLY, _remind, available=lambda p, user: p.is_open, batch=True)]

    def after_save(self, instance, user, creating):
        made = services.ensure_submissions(instance)
        return _("已向%(n)s家机构下发报表。") % {"n": made} if made else None

    def detail_links(self, obj, user):
        links = [(_("汇总"), reverse("returns:aggregate", args=[obj.pk]))]
        if role_of(user) in OFFICE_AND_LEADERS:
            links.insert(0, (_("报送进度"), reverse("returns:board", args=[obj.pk])))
        return links


@register
class SubmissionObjects(ObjectConfig):
    model = Submission
    slug = "submissions"
    nav_section = "returns"
    nav_roles = STAFF_AND_LIAISONS
    list_columns = ["period", "organization", "state", "submitted_at", "approved_at", "reminded_at"]
    filterset_class = SubmissionFilter
    detail_fields = [
        "period",
        "organization",
        "state",
        "reason",
        "warning_note",
        "submitted_at",
        "returned_at",
        "approved_at",
        "locked_at",
    ]
    search_fields = ["organization__name", "period__label"]
    policy = Policy(view=STAFF_AND_LIAISONS, create=NOBODY, change=NOBODY, delete=NOBODY)
    actions = SUBMISSION_WORKFLOW.actions()

    def detail_links(self, obj, user):
        links = [(_("查看/填报"), reverse("returns:fill", args=[obj.pk]))]
        if obj.editable and role_of(user) in OFFICE_AND_LIAISONS:
            links.append((_("下载Excel模板"), reverse("returns:template", args=[obj.pk])))
        return links
