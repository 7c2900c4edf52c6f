from django import forms

from rencai.orgs.models import Department, Organization

ORGANIZATION_FIELDS = [
    "name",
    "short_name",
    "kind",
    "parent",
    "region",
    "credit_code",
    "address",
    "contact_phone",
    "aliases",
    "is_active",
]


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ORGANIZATION_FIELDS
        widgets = {"aliases": forms.Textarea(attrs={"rows": 3})}


class LiaisonOrganizationForm(forms.ModelForm):
    """A liaison keeps their units' details but does not move them in the tree."""

    class Meta:
        model = Organization
        fields = ["short_name", "credit_code", "address", "contact_phone"]


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["organization", "name", "parent", "order"]
