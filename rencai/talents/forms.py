"""Talent forms per role: office staff edit everything, a liaison their institution's
people, a talent their own profile; the dictionary editor's row and the pool actions' inputs."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rencai.talents.models import DictionaryEntry, Talent

PERSONAL_FIELDS = [
    "name",
    "gender",
    "id_number",
    "birth_date",
    "ethnicity",
    "political_status",
    "education",
    "degree",
    "title",
    "mobile",
    "email",
]
CLASSIFICATION_FIELDS = ["category", "subcategory", "tier", "level", "echelon"]
POST_FIELDS = ["organization", "department", "position", "work_start"]
OFFICE_FIELDS = [*PERSONAL_FIELDS, *POST_FIELDS, *CLASSIFICATION_FIELDS, "user", "is_active", "notes"]
LIAISON_FIELDS = [*PERSONAL_FIELDS, *POST_FIELDS, *CLASSIFICATION_FIELDS, "is_active", "notes"]
SELF_FIELDS = [*PERSONAL_FIELDS, "position", "work_start", "category", "subcategory", "tier", "level"]


class TalentFormBase(forms.ModelForm):
    class Meta:
        model = Talent
        fields = OFFICE_FIELDS
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "id_number": "18位公民身份号码，末位X大小写均可；出生日期和性别可由身份证号码自动填写。",
            "birth_date": "留空则按身份证号码填写。",
        }


def talent_form(fields: list[str]) -> type[forms.ModelForm]:
    meta = type("Meta", (TalentFormBase.Meta,), {"fields": fields})
    return type("TalentForm", (TalentFormBase,), {"Meta": meta})


OfficeTalentForm = talent_form(OFFICE_FIELDS)
LiaisonTalentForm = talent_form(LIAISON_FIELDS)
SelfTalentForm = talent_form(SELF_FIELDS)


class DictionaryRowForm(forms.ModelForm):
    """One row of the one-screen dictionary editor, with the version it was loaded at."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = DictionaryEntry
        fields = ["code", "name", "parent", "managing_department", "order", "enabled", "synonyms"]
        widgets = {"synonyms": forms.TextInput(attrs={"placeholder": gettext_lazy("如：本科、大本")})}
        help_texts = {"synonyms": ""}


def exit_inputs() -> dict[str, forms.Field]:
    """The inputs of 出库."""
    return {
        "left_on": forms.DateField(label=_("出库日期"), initial=timezone.localdate),
        "exit_reason": forms.CharField(label=_("出库原因"), max_length=200),
    }


def renew_inputs() -> dict[str, forms.Field]:
    """The inputs of 续任."""
    return {
        "term_end": forms.DateField(label=_("新任期届满日期")),
        "source_detail": forms.CharField(label=_("续任依据（文号或说明）"), max_length=200, required=False),
    }
