"""The review engine's forms: the scoring sheet and the input of a draw."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _


def draw_inputs() -> dict[str, forms.Field]:
    """The one input of a draw: the supervisor's number, typed on the spot."""
    return {
        "number": forms.CharField(
            label=_("监督人现场输入的随机数"),
            min_length=4,
            max_length=30,
            help_text=_("4至30位数字，由监督人在抽取时当场输入，输入后立即抽取。"),
        )
    }


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
