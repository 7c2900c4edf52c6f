"""One declaration per model gives its pages, export and API.

An app declares, in its ``objects.py``::

    @register
    class OrganizationObjects(ObjectConfig):
        model = Organization
        slug = "organizations"
        list_columns = ["name", "kind", "region"]
        policy = Policy(view=STAFF_AND_LIAISONS, change=OFFICE_ONLY)
        ...

and gets list (filter, search, sort, pagination), detail with change history,
create/edit with version checks, delete, Excel export and a DRF viewset, all scoped
through its :class:`~rencai.core.objects.policy.Policy` (which starts from
``model.objects.visible_to(user)`` / ``editable_by(user)``), written through
:mod:`rencai.core.objects.writes` and audited.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db import models
from django.db.models import Q
from django.urls import reverse

from rencai.core.display import display_value, field_label
from rencai.core.objects.policy import Policy
from rencai.core.objects.workflow import Action
from rencai.core.roles import role_of

if TYPE_CHECKING:
    from django_filters import FilterSet
    from django_stubs_ext import StrOrPromise

    from rencai.core.imports.schema import ImportSchema

#: An export cell of personal data the exporter may not see.
MASKED_CELL = "***"

#: What an app's section provider gives for an object it is shown on (and the user).
SectionProvider = Callable[[Any, Any], list["Section"]]


@dataclass
class Section:
    """A table of related records on a detail page (for example a talent's honours)."""

    title: str
    headers: list[str]
    rows: list[tuple[str, list[str]]]
    add_url: str = ""
    more_url: str = ""
    export_url: str = ""
    key: str = ""
    notes: list[str] = field(default_factory=list)


def scoped_choices(related_model: type[models.Model], user: Any) -> models.QuerySet[Any] | None:
    """The rows of a related scoped model a user may pick: shared reference data they may
    read, anything else only where they may write."""
    from rencai.core.models import ScopedQuerySet

    manager = related_model._default_manager
    if not hasattr(manager, "visible_to"):
        return None
    # A manager with ``visible_to`` is the one of a ScopedModel (``ScopedQuerySet.as_manager()``).
    scoped = cast(ScopedQuerySet, manager.all())
    if getattr(related_model, "shared", False):
        return scoped.visible_to(user)
    return scoped.editable_by(user)


class ObjectConfig:
    model: type[models.Model]
    slug: str
    nav_section: str = ""
    #: The roles whose menu shows the list (see :mod:`rencai.core.menus`); ``None``: the
    #: office, leaders and liaisons who may view it. Talents, experts and administrators
    #: see an entry only where it is declared for them.
    nav_roles: frozenset[str] | None = None
    #: Whether the people an object names hear of actions taken on it (message centre).
    tell_concerned: bool = True
    list_columns: list[str] = []
    detail_fields: list[str] | None = None
    form_fields: list[str] = []
    form_class: type[forms.ModelForm[Any]] | None = None
    create_form_class: type[forms.ModelForm[Any]] | None = None
    filterset_class: "type[FilterSet] | None" = None
    search_fields: list[str] = []
    export_columns: list[str] | None = None
    api_fields: list[str] | None = None
    api_read_only_fields: list[str] = []
    ordering: list[str] = ["-pk"]
    paginate_by: int = 25
    #: Actions and workflow transitions offered on the detail page.
    actions: list[Action] = []
    #: The spreadsheet columns of the object (``imports.py`` of its app), if importable.
    import_schema: "type[ImportSchema] | None" = None
    #: Who may do what, and within which scope (the one permission decision).
    policy: Policy = Policy()
    #: Related rows fetched with every list and detail query (``select_related``).
    list_related: tuple[str, ...] = ()
    #: What a refused delete suggests instead ("可先办理出库").
    delete_hint: "StrOrPromise" = ""
    #: Columns that are personal data in an export though not encrypted (a payment's
    #: amount): written as ``***`` unless the exporter may unmask and asks to.
    masked_in_export: tuple[str, ...] = ()

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

    # --- who may do what (asked of the policy; not overridden) ----------------------

    def in_menu_of(self, user: Any) -> bool:
        """Whether the user's menu lists this object (it must also be viewable)."""
        from rencai.core.roles import STAFF_AND_LIAISONS

        if not self.nav_section or not self.can_view(user):
            return False
        roles = self.nav_roles if self.nav_roles is not None else STAFF_AND_LIAISONS
        return role_of(user) in roles

    def can_view(self, user: Any) -> bool:
        return self.policy.allows("view", user)

    def can_create(self, user: Any) -> bool:
        return self.policy.allows("create", user)

    def can_change(self, user: Any) -> bool:
        return self.policy.allows("change", user)

    def can_delete(self, user: Any) -> bool:
        return self.policy.allows("delete", user)

    def can_export(self, user: Any) -> bool:
        return self.policy.allows("export", user)

    def can_import(self, user: Any) -> bool:
        return self.import_schema is not None and self.policy.allows("import", user)

    def visible(self, user: Any) -> models.QuerySet[Any]:
        queryset = self.policy.visible(self.model, user)
        return queryset.select_related(*self.list_related) if self.list_related else queryset

    def editable(self, user: Any) -> models.QuerySet[Any]:
        return self.policy.editable(self.model, user)

    # --- lists ----------------------------------------------------------------------

    def search(self, queryset: models.QuerySet[Any], text: str) -> models.QuerySet[Any]:
        text = text.strip()
        if not text or not self.search_fields:
            return queryset
        condition = Q()
        for name in self.search_fields:
            condition |= Q(**{f"{name}__icontains": text})
        return queryset.filter(condition)

    def list_links(self, user: Any) -> list[tuple[str, str]]:
        """Extra (label, URL) links on the list page, for example a bulk editor."""
        return []

    def link_column(self) -> str:
        """The list column that links to the detail page: the object's own name or title
        when the list shows it (a campaign by its name, not its year), else the first."""
        for name in ("name", "title"):
            if name in self.list_columns:
                return name
        return self.list_columns[0] if self.list_columns else ""

    def get_export_columns(self) -> list[str]:
        return self.export_columns or self.list_columns

    def export_value(self, obj: models.Model, column: str, unmasked: bool) -> str:
        """One cell of the export: personal data masked unless ``unmasked``."""
        if column in self.masked_in_export and not unmasked:
            return MASKED_CELL
        return display_value(obj, column, unmasked=unmasked)

    # --- forms ----------------------------------------------------------------------

    def get_form_class(self, user: Any, instance: models.Model | None = None) -> type[forms.ModelForm[Any]]:
        if instance is None and self.create_form_class is not None:
            return self.create_form_class
        if self.form_class is not None:
            return self.form_class
        return forms.modelform_factory(self.model, fields=self.form_fields)

    def writable_fields(self) -> list[str]:
        """Every field some form of the object accepts: what the API documents as input.
        A user's own form (``get_form_class``) may accept fewer."""
        names = list(self.form_fields)
        for form_class in (self.form_class, self.create_form_class):
            if form_class is not None:
                names += [n for n in form_class.base_fields if n not in names]
        return names

    def limit_form_choices(self, form: forms.BaseForm, user: Any) -> None:
        """Every choice of a scoped object (an organisation, a talent …) is limited to
        those the user may write to; shared reference data to what they may read."""
        for form_field in form.fields.values():
            if isinstance(form_field, forms.ModelChoiceField):
                queryset = form_field.queryset
                assert queryset is not None  # every model choice field of a model form has one
                allowed = scoped_choices(queryset.model, user)
                if allowed is not None:
                    form_field.queryset = queryset & allowed

    def initial_from_query(self, query: Mapping[str, Any]) -> dict[str, Any]:
        """Prefill a new object's form from the query string (``?talent=12``)."""
        names = set(self.form_fields) or {f.name for f in self.model._meta.fields}
        return {k: v for k, v in query.items() if k in names}

    def before_save(self, instance: models.Model, user: Any, creating: bool) -> None:
        """Hook for fields a user does not type (for example the owning organisation)."""

    def before_delete(self, instance: models.Model, user: Any) -> None:
        """Hook that may refuse a deletion with Refused (for example a record in use)."""

    def after_save(self, instance: models.Model, user: Any, creating: bool) -> str | None:
        """Hook run in the same transaction after saving; may return a notice for the user."""
        return None

    # --- detail pages -------------------------------------------------------------------

    def detail_sections(self, obj: models.Model, user: Any) -> list[Section]:
        """Related tables shown under the fields of a detail page."""
        return []

    def detail_links(self, obj: models.Model, user: Any) -> list[tuple[str, str]]:
        """(label, URL) buttons on a detail page leading to the object's own pages (a
        scoring form, a ranking, a generated document)."""
        return []

    def may_delete(self, obj: models.Model, user: Any) -> bool:
        """Whether the detail page offers 删除 for this object (a signed record never);
        ``before_delete`` still refuses what slips through."""
        return True

    def describe_value(self, obj: models.Model, field_name: str, value: Any) -> str | None:
        """A structured value the change history shows (a draw's conditions, a list of
        candidates) in words; None leaves it to the generic plain form."""
        return None

    def available_actions(self, obj: models.Model, user: Any) -> list[Action]:
        return [a for a in self.actions if a.allowed(obj, user)]

    def batch_actions(self, user: Any) -> list[Action]:
        """The actions the list page offers for checked rows to this user."""
        return [a for a in self.actions if a.batch and role_of(user) in a.roles]

    def action(self, name: str) -> Action | None:
        return next((a for a in self.actions if a.name == name), None)

    def section(
        self, title: str, queryset: models.QuerySet[Any], columns: list[str], user: Any, **link_query: Any
    ) -> Section:
        """A section listing ``queryset`` (already scoped) with this object's columns."""
        key = self.slug
        query = "&".join(f"{k}={v}" for k, v in link_query.items())
        rows = [
            (reverse(self.url_name("detail"), args=[o.pk]), [display_value(o, c) for c in columns])
            for o in queryset[:100]
        ]
        return Section(
            title=title,
            headers=[field_label(self.model, c) for c in columns],
            rows=rows,
            add_url=f"{reverse(self.url_name('create'))}?{query}" if self.can_create(user) else "",
            more_url=f"{self.list_url}?{query}",
            key=key,
        )


_registry: dict[str, ObjectConfig] = {}
_section_providers: dict[str, list[SectionProvider]] = {}


def section_provider(slug: str) -> Callable[[SectionProvider], SectionProvider]:
    """Lets an app add a section to another app's detail page (for example the services
    of a talent on the talent's profile) without that app importing it."""

    def decorator(func: SectionProvider) -> SectionProvider:
        _section_providers.setdefault(slug, []).append(func)
        return func

    return decorator


def related_sections(parts: list[tuple[str, type[models.Model], list[str]]], user: Any, **match: Any) -> list[Section]:
    """One section per (title, model, columns) listing the model's rows matching ``match``
    (for example ``talent=<pk>``) that the user may see; none for a model they may not view."""
    sections: list[Section] = []
    for title, model, columns in parts:
        config = config_for_model(model)
        if config is None or not config.can_view(user):
            continue
        queryset = config.visible(user).filter(**match)
        sections.append(config.section(title, queryset, columns, user, **match))
    return sections


def sections_for(config: ObjectConfig, obj: models.Model, user: Any) -> list[Section]:
    sections = list(config.detail_sections(obj, user))
    for provider in _section_providers.get(config.slug, []):
        sections.extend(provider(obj, user))
    return sections


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
