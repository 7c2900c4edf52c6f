"""The generic pages every declared object gets: list, detail, create, edit, delete, export.

Every query goes through the declaration's ``visible`` / ``editable`` (its policy, which
starts from the model's ``visible_to`` / ``editable_by``), so an object outside the user's
scope is a 404. Every write goes through :mod:`rencai.core.objects.writes`.
"""

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models.query import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from rencai.core import audit
from rencai.core.display import display_value, field_label, is_sortable
from rencai.core.errors import Refused
from rencai.core.exports import write_xlsx_file, xlsx_file_response
from rencai.core.forms import add_refusal, bootstrapify, validate
from rencai.core.models import AuditAction, AuditEntry, TrackedModel
from rencai.core.objects.config import ObjectConfig, registered, sections_for
from rencai.core.objects.workflow import Action
from rencai.core.objects.writes import delete_object, run_action, save_object
from rencai.core.paginator import ListPaginator
from rencai.core.personal import personal_fields
from rencai.core.roles import may_unmask, role_of


class RoleRequiredMixin(LoginRequiredMixin):
    """A page of its own for some roles only: anyone else gets 403 with ``denied_message``
    (a visitor who is not logged in is sent to log in first). Scoping of the objects the
    page shows stays with the page."""

    roles: frozenset[str] = frozenset()
    denied_message = gettext_lazy("您的角色无权进行此操作。")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and role_of(request.user) not in self.roles:
            raise PermissionDenied(self.denied_message)
        return super().dispatch(request, *args, **kwargs)


class ObjectViewMixin(LoginRequiredMixin):
    #: Set for each object by ``as_view(config=...)`` (which needs the class attribute).
    config: ObjectConfig = cast(ObjectConfig, None)
    permission = "view"
    #: Set by ``View.setup`` (the mixin is always combined with a View).
    request: HttpRequest
    kwargs: dict[str, Any]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not self.has_permission(request.user):
            raise PermissionDenied(_("您的角色无权进行此操作。"))
        return super().dispatch(request, *args, **kwargs)

    def has_permission(self, user: Any) -> bool:
        return bool(getattr(self.config, f"can_{self.permission}")(user))

    def base_context(self) -> dict[str, Any]:
        return {"config": self.config, "opts": self.config.model._meta}


class FilteredListMixin(ObjectViewMixin):
    def filtered_queryset(self) -> tuple[QuerySet[Any], Any]:
        config = self.config
        queryset = config.visible(self.request.user)
        filterset = None
        if config.filterset_class is not None:
            filterset = config.filterset_class(self.request.GET, queryset=queryset, request=self.request)
            bootstrapify(filterset.form)
            queryset = filterset.qs
        queryset = config.search(queryset, self.request.GET.get("q", ""))
        sort = self.request.GET.get("sort", "")
        if sort.lstrip("-") in config.list_columns and is_sortable(config.model, sort.lstrip("-")):
            queryset = queryset.order_by(sort, "pk")
        else:
            queryset = queryset.order_by(*config.ordering)
        return queryset, filterset


class ObjectListView(FilteredListMixin, TemplateView):
    template_name = "core/object_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        queryset, filterset = self.filtered_queryset()
        page = ListPaginator(queryset, self.config.paginate_by).get_page(self.request.GET.get("page"))
        columns = self.config.list_columns
        rows = [(obj, [display_value(obj, c) for c in columns]) for obj in page.object_list]
        query = self.request.GET.copy()
        query.pop("page", None)
        sort_query = query.copy()
        sort_query.pop("sort", None)
        headers = [
            {"name": c, "label": field_label(self.config.model, c), "sortable": is_sortable(self.config.model, c)}
            for c in columns
        ]
        return {
            **self.base_context(),
            "headers": headers,
            "rows": rows,
            "page": page,
            "filterset": filterset,
            "q": self.request.GET.get("q", ""),
            "sort": self.request.GET.get("sort", ""),
            "querystring": query.urlencode(),
            "sort_querystring": sort_query.urlencode(),
            "can_create": self.config.can_create(self.request.user),
            "list_links": self.config.list_links(self.request.user),
        }


class ObjectExportView(FilteredListMixin, View):
    """The filtered list as an xlsx file, streamed from the database to a temporary file
    and from there to the browser, so that exporting 100,000 rows keeps memory flat."""

    chunk_size = 2000

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        queryset, _filterset = self.filtered_queryset()
        columns = self.config.get_export_columns()
        unmasked = may_unmask(request.user) and request.GET.get("unmask") == "1"
        headers = [field_label(self.config.model, c) for c in columns]
        queryset = queryset.select_related(*self.related_columns(columns))
        rows = (
            [self.config.export_value(obj, c, unmasked) for c in columns]
            for obj in queryset.iterator(chunk_size=self.chunk_size)
        )
        export = write_xlsx_file(self.config.verbose_name_plural, headers, rows)
        audit.record(
            AuditAction.EXPORT,
            object_type=self.config.model._meta.label_lower,
            object_repr=self.config.verbose_name_plural,
            changes={"rows": export.rows, "filters": audit.redact_query(request.GET), "unmasked": unmasked},
            request=request,
        )
        return xlsx_file_response(export, self.config.slug)

    def related_columns(self, columns: list[str]) -> list[str]:
        """Exported columns that name another record, fetched in the same query (one
        query per row and column otherwise)."""
        fields = {f.name: f for f in self.config.model._meta.get_fields()}
        return [
            name
            for name in columns
            if name in fields and fields[name].concrete and (fields[name].many_to_one or fields[name].one_to_one)
        ]


class ObjectDetailView(ObjectViewMixin, TemplateView):
    template_name = "core/object_detail.html"

    def get_object(self) -> models.Model:
        obj: models.Model = get_object_or_404(self.config.visible(self.request.user), pk=self.kwargs["pk"])
        return obj

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        obj = self.get_object()
        names = self.config.detail_fields or self.config.list_columns
        personal = personal_fields(self.config.model)
        fields = [
            {
                "name": n,
                "label": field_label(self.config.model, n),
                "value": display_value(obj, n),
                "personal": n in personal,
            }
            for n in names
        ]
        history = AuditEntry.objects.filter(
            object_type=self.config.model._meta.label_lower, object_id=str(obj.pk)
        ).order_by("-seq")[:50]
        user = self.request.user
        editable = self.config.can_change(user) and self.config.editable(user).filter(pk=obj.pk).exists()
        deletable = self.config.can_delete(user) and self.config.editable(user).filter(pk=obj.pk).exists()
        return {
            **self.base_context(),
            "object": obj,
            "fields": fields,
            "sections": sections_for(self.config, obj, user),
            "actions": self.config.available_actions(obj, user),
            "links": self.config.detail_links(obj, user),
            "history": [(entry, self.labelled_changes(entry)) for entry in history],
            "can_edit": editable,
            "can_delete": deletable,
            "can_unmask": may_unmask(user),
        }

    def labelled_changes(self, entry: AuditEntry) -> list[tuple[str, object, object]]:
        """(field label, before, after) for every field the entry changed; a reference is
        shown by the name of what it refers to."""
        rows: list[tuple[str, object, object]] = []
        for name, values in entry.changes.items():
            if name == "id" or not isinstance(values, list) or len(values) != 2:
                continue
            field_name = name.removesuffix("_id")
            rows.append(
                (
                    field_label(self.config.model, field_name),
                    self.referenced(field_name, values[0]),
                    self.referenced(field_name, values[1]),
                )
            )
        return rows

    def referenced(self, field_name: str, value: Any) -> Any:
        try:
            # Audited changes name concrete fields only (see audit.field_values).
            model_field = cast("models.Field[Any, Any]", self.config.model._meta.get_field(field_name))
        except Exception:  # noqa: BLE001 - a field since removed
            return value
        if value in (None, ""):
            return value
        if isinstance(value, bool):
            return _("是") if value else _("否")
        if model_field.choices:
            return dict(model_field.flatchoices).get(value, value)
        if isinstance(model_field, models.DateTimeField) and isinstance(value, str):
            # Recorded as ISO 8601 text; shown in local time like the rest of the page.
            try:
                parsed = parse_datetime(value)
            except ValueError:
                parsed = None
            return timezone.localtime(parsed).strftime("%Y-%m-%d %H:%M") if parsed and parsed.tzinfo else value
        if not model_field.is_relation:
            return value
        related_model = cast(type[models.Model], model_field.related_model)
        related = related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else value


class ObjectFormView(ObjectViewMixin, TemplateView):
    template_name = "core/object_form.html"
    permission = "change"

    def get_object(self) -> models.Model | None:
        if "pk" not in self.kwargs:
            return None
        obj: models.Model = get_object_or_404(self.config.editable(self.request.user), pk=self.kwargs["pk"])
        return obj

    def has_permission(self, user: Any) -> bool:
        if "pk" not in self.kwargs:
            return self.config.can_create(user)
        return self.config.can_change(user)

    def build_form(self, instance: models.Model | None, data: Any = None, files: Any = None) -> forms.ModelForm[Any]:
        form_class = self.config.get_form_class(self.request.user, instance)
        initial = self.config.initial_from_query(self.request.GET) if instance is None else None
        form = form_class(data=data, files=files, instance=instance, initial=initial)
        self.config.limit_form_choices(form, self.request.user)
        bootstrapify(form)
        if instance is not None:
            form.fields["_version"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=cast(TrackedModel, instance).version
            )
        return form

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        instance = self.get_object()
        return self.render_to_response(self.context(self.build_form(instance), instance))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        instance = self.get_object()
        form = self.build_form(instance, data=request.POST, files=request.FILES)
        if not validate(form):
            return self.render_to_response(self.context(form, instance))
        obj = form.save(commit=False)
        try:
            notice = save_object(
                self.config,
                obj,
                request.user,
                expected_version=form.cleaned_data.get("_version"),
                save_related=form.save_m2m,
            )
        except Refused as exc:
            add_refusal(form, exc)
            return self.render_to_response(self.context(form, instance), status=exc.status)
        messages.success(request, _("已保存：%(object)s") % {"object": obj})
        if notice:
            messages.info(request, notice)
        return HttpResponseRedirect(reverse(self.config.url_name("detail"), args=[obj.pk]))

    def context(self, form: forms.BaseForm, instance: models.Model | None) -> dict[str, Any]:
        return {**self.base_context(), "form": form, "object": instance}


class ObjectDeleteView(ObjectViewMixin, TemplateView):
    template_name = "core/object_confirm_delete.html"
    permission = "delete"

    def get_object(self) -> models.Model:
        obj: models.Model = get_object_or_404(self.config.editable(self.request.user), pk=self.kwargs["pk"])
        return obj

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**self.base_context(), "object": self.get_object()}

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        try:
            delete_object(self.config, obj, request.user)
        except Refused as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(reverse(self.config.url_name("detail"), args=[obj.pk]))
        messages.success(request, _("已删除：%(object)s") % {"object": obj})
        return HttpResponseRedirect(reverse(self.config.url_name("list")))


class ObjectActionView(ObjectViewMixin, TemplateView):
    """Asks for an action's inputs and performs it on one object the user may see."""

    template_name = "core/object_action.html"

    def has_permission(self, user: Any) -> bool:
        return self.config.can_view(user)

    def get_action_and_object(self) -> tuple[Action, models.Model]:
        action = self.config.action(self.kwargs["action"])
        if action is None:
            raise Http404
        obj = get_object_or_404(self.config.visible(self.request.user), pk=self.kwargs["pk"])
        if not action.allowed(obj, self.request.user):
            raise PermissionDenied(_("您现在不能对该记录进行此操作。"))
        return action, obj

    def build_form(self, action: Action, data: Any = None) -> forms.BaseForm:
        return bootstrapify(action.form_class()(data=data))

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        action, obj = self.get_action_and_object()
        return self.render_to_response(self.context(action, obj, self.build_form(action)))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        action, obj = self.get_action_and_object()
        form = self.build_form(action, request.POST)
        if not validate(form):
            return self.render_to_response(self.context(action, obj, form))
        try:
            notice = run_action(self.config, action, obj, request.user, form.cleaned_data)
        except Refused as exc:
            add_refusal(form, exc)
            return self.render_to_response(self.context(action, obj, form), status=exc.status)
        messages.success(request, notice or _("已完成：%(action)s") % {"action": action.label})
        return HttpResponseRedirect(reverse(self.config.url_name("detail"), args=[obj.pk]))

    def context(self, action: Action, obj: models.Model, form: forms.BaseForm) -> dict[str, Any]:
        return {**self.base_context(), "action": action, "object": obj, "form": form}


class UnmaskView(LoginRequiredMixin, View):
    """Shows one personal field in full to a user who may unmask, and audits it."""

    def post(self, request: HttpRequest, slug: str, pk: int, field: str) -> HttpResponse:
        config = registered().get(slug)
        if config is None or field not in personal_fields(config.model):
            raise Http404
        if not may_unmask(request.user):
            raise PermissionDenied(_("您无权查看完整的个人敏感信息。"))
        obj = get_object_or_404(config.visible(request.user), pk=pk)
        audit.record(AuditAction.UNMASK, obj=obj, changes={"field": field}, request=request)
        return HttpResponse(getattr(obj, field) or "", content_type="text/plain; charset=utf-8")


def object_urlpatterns() -> list[URLPattern]:
    """URL patterns of every declared object, under /o/<slug>/."""
    patterns: list[URLPattern] = []
    for slug, config in registered().items():
        views: dict[str, tuple[str, type[View]]] = {
            "list": (f"o/{slug}/", ObjectListView),
            "export": (f"o/{slug}/export/", ObjectExportView),
            "create": (f"o/{slug}/new/", ObjectFormView),
            "detail": (f"o/{slug}/<id:pk>/", ObjectDetailView),
            "edit": (f"o/{slug}/<id:pk>/edit/", ObjectFormView),
            "delete": (f"o/{slug}/<id:pk>/delete/", ObjectDeleteView),
            "action": (f"o/{slug}/<id:pk>/do/<slug:action>/", ObjectActionView),
        }
        for action, (route, view_class) in views.items():
            patterns.append(path(route, view_class.as_view(config=config), name=f"{slug}-{action}"))
    patterns.append(path("o/<slug:slug>/<id:pk>/unmask/<str:field>/", UnmaskView.as_view(), name="unmask"))
    return patterns
