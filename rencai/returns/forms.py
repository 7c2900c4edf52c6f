"""The forms of returns: a return form's own fields, its indicators and rules with the
help that says what may be written, and the input of the submit transition."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rencai.orgs.models import OrganizationKind
from rencai.returns.models import Indicator, ReturnForm, ValidationRule
from rencai.returns.services import PREFILL_SOURCES


class ReturnFormForm(forms.ModelForm):
    organization_kinds = forms.MultipleChoiceField(
        label=gettext_lazy("报送机构类型"),
        choices=[c for c in OrganizationKind.choices if c[0] != "government"],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("不选表示全部金融机构（银行、证券、期货、保险、金融科技、地方金融组织）。"),
    )

    class Meta:
        model = ReturnForm
        fields = ["code", "name", "period_type", "organization_kinds", "description", "is_survey"]


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "form",
            "section",
            "order",
            "code",
            "name",
            "unit",
            "kind",
            "choices",
            "required",
            "group",
            "row_label",
            "column_label",
            "prefill",
        ]
        help_texts = {"prefill": "；".join(f"{k}：{v}" for k, v in PREFILL_SOURCES.items())}


class RuleForm(forms.ModelForm):
    class Meta:
        model = ValidationRule
        fields = ["form", "expression", "message", "severity"]
        help_texts = {
            "expression": gettext_lazy(
                "用指标代码或名称书写，例如：D03 <= D01；sum(年龄段) == 员工总数；abs(change(员工总数)) <= 0.5"
            )
        }


def submit_inputs() -> dict[str, forms.Field]:
    """The one input of 报送: why the warnings of the rules may stand."""
    return {
        "warning_note": forms.CharField(
            label=_("提示项说明"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_("有提示项时必填。"),
        )
    }
