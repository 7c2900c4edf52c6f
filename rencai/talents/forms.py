"""Talent forms per role: office staff edit everything, a liaison their institution's
people, a talent their own profile."""

from django import forms

from rencai.talents.models import Talent

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
