"""One declaration per model gives its pages, export and API.

An app declares, in its ``views.py``::

    @register
    class OrganizationObjects(ObjectConfig):
        model = Organization
        slug = "organizations"
        list_columns = ["name", "kind", "region"]
        ...

and gets list (filter, search, sort, pagination), detail with change history,
create/edit with version checks, delete, Excel export and a DRF viewset, all scoped
through ``model.objects.visible_to(user)`` / ``editable_by(user)`` and audited.
"""

from django import forms
from django.apps import apps
from django.db import models
from django.db.models import Q
from django.urls import reverse

from rencai.core.roles import BUSINESS_ROLES, Role, role_of


class ObjectConfig:
    model: type[models.Model]
    slug: str
    nav_section: str = ""
    list_columns: list[str] = []
    detail_fields: list[str] | None = None
    form_fields: list[str] = []
    form_class: type[forms.ModelForm] | None = None
    create_form_class: type[forms.ModelForm] | None = None
    filterset_class = None
    search_fields: list[str] = []
    export_columns: list[str] | None = None
    api_fields: list[str] | None = None
    api_read_only_fields: list[str] = []
    ordering: list[str] = ["-pk"]
    paginate_by: int = 25

    view_roles: frozenset = BUSINESS_ROLES
    create_roles: frozenset = frozenset({Role.OFFICE})
    change_roles: frozenset = frozenset({Role.OFFICE, Role.LIAISON})
    delete_roles: frozenset = frozenset({Role.OFFICE})

    # --- names ---------------------------------------------------------------------

    @property
    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def verbose_name_plural(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    def url_name(self, action: str) -> str:
        return f"objects:{self.slug}-{action}"

    @property
    def list_url(self) -> str:
        return reverse(self.url_name("list"))

    # --- who may do what ------------------------------------------------------------

    def can_view(self, user) -> bool:
        return role_of(user) in self.view_roles

    def can_create(self, user) -> bool:
        return role_of(user) in self.create_roles

    def can_change(self, user) -> bool:
        return role_of(user) in self.change_roles

    def can_delete(self, user) -> bool:
        return role_of(user) in self.delete_roles

    def visible(self, user) -> models.QuerySet:
        return self.model.objects.visible_to(user)

    def editable(self, user) -> models.QuerySet:
        return self.model.objects.editable_by(user)

    # --- lists ----------------------------------------------------------------------

    def search(self, queryset: models.QuerySet, text: str) -> models.QuerySet:
        text = text.strip()
        if not text or not self.search_fields:
            return queryset
        condition = Q()
        for name in self.search_fields:
            condition |= Q(**{f"{name}__icontains": text})
        return queryset.filter(condition)

    def get_export_columns(self) -> list[str]:
        return self.export_columns or self.list_columns

    # --- forms ----------------------------------------------------------------------

    def get_form_class(self, user, instance=None) -> type[forms.ModelForm]:
        if instance is None and self.create_form_class is not None:
            return self.create_form_class
        if self.form_class is not None:
            return self.form_class
        return forms.modelform_factory(self.model, fields=self.form_fields)

    def limit_form_choices(self, form: forms.ModelForm, user) -> None:
        """Every choice of an organisation is limited to those the user may write to."""
        organization = apps.get_model("orgs", "Organization")
        for field in form.fields.values():
            if isinstance(field, forms.ModelChoiceField) and field.queryset.model is organization:
                field.queryset = organization.objects.editable_by(user)

    def before_save(self, instance: models.Model, user, creating: bool) -> None:
        """Hook for fields a user does not type (for example the owning organisation)."""


_registry: dict[str, ObjectConfig] = {}


def register(config_class: type[ObjectConfig]) -> type[ObjectConfig]:
    config = config_class()
    if config.slug in _registry:
        raise ValueError(f"duplicate object slug {config.slug}")
    _registry[config.slug] = config
    return config_class


def registered() -> dict[str, ObjectConfig]:
    return dict(_registry)


def config_for_model(model: type[models.Model]) -> ObjectConfig | None:
    for config in _registry.values():
        if config.model is model:
            return config
    return None
