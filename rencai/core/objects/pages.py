"""The generic pages every declared object gets: list, detail, create, edit, delete, export.

Every query goes through the declaration's ``visible`` / ``editable`` (its policy, which
starts from the model's ``visible_to`` / ``editable_by``), so an object outside the user's
scope is a 404. Every write goes through :mod:`rencai.core.objects.writes`.
"""

from typing import Any, cast
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models.query import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from rencai.core import audit
from rencai.core.display import display_value, field_label, is_sortable, labelled_changes
from rencai.core.errors import Refused
from rencai.core.exports import stream_xlsx, xlsx_stream_response
from rencai.core.forms import add_refusal, bootstrapify, validate
from rencai.core.models import AuditAction, AuditEntry, TrackedModel
from rencai.core.objects import export_jobs
from rencai.core.objects.config import ObjectConfig, registered, sections_for
from rencai.core.objects.exporting import export_plan, export_rows, filtered_list, record_export
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
        queryset, filterset = filtered_list(self.config, self.request.user, self.request.GET, self.request)
        if filterset is not None:
            bootstrapify(filterset.form)
        return queryset, filterset


#: The page sizes a list offers (``?per_page=``); the declaration's ``paginate_by`` is the default.
PAGE_SIZES = (25, 50, 100, 200)


def page_size(request: HttpRequest, default: int) -> int:
    try:
        wanted = int(request.GET.get("per_page", default))
    except ValueError:
        return default
    return wanted if wanted in PAGE_SIZES or wanted == default else default


class ObjectListView(FilteredListMixin, TemplateView):
    template_name = "core/object_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        queryset, filterset = self.filtered_queryset()
        per_page = page_size(self.request, self.config.paginate_by)
        page = ListPaginator(queryset, per_page).get_page(self.request.GET.get("page"))
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
        # The filter state travels with every form on the page (page jump, batch actions).
        kept = [(k, v) for k, values in query.lists() for v in values if k not in ("selected",)]
        link_column = self.config.link_column()
        return {
            **self.base_context(),
            "headers": headers,
            "rows": rows,
            "link_index": columns.index(link_column) + 1 if link_column in columns else 1,
            "page": page,
            "filterset": filterset,
            "q": self.request.GET.get("q", ""),
            "sort": self.request.GET.get("sort", ""),
            "per_page": per_page,
            "page_sizes": sorted({*PAGE_SIZES, self.config.paginate_by}),
            "querystring": query.urlencode(),
            "sort_querystring": sort_query.urlencode(),
            "kept_query": kept,
            "kept_query_but_size": [(k, v) for k, v in kept if k != "per_page"],
            "list_path": self.request.get_full_path(),
            "can_create": self.config.can_create(self.request.user),
            "list_links": self.config.list_links(self.request.user),
            "batch_actions": self.config.batch_actions(self.request.user),
        }


EXPORT_SELECTED = "__export__"


class ObjectBatchView(ObjectViewMixin, TemplateView):
    """An action on the rows checked in a list: asks once for the action's inputs, then
    runs it on every row through :func:`run_action` (which re-checks role, scope and
    state for each), all in one transaction; a row the action refuses is reported by
    name and left as it was, the others are done."""

    template_name = "core/object_batch.html"
    #: Refusals named one by one after a batch; the rest are counted.
    refusals_shown = 20

    def has_permission(self, user: Any) -> bool:
        return self.config.can_view(user)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        back = self.back_url()
        keys = [k for k in request.POST.getlist("selected") if k.isdigit()]
        if not keys:
            messages.error(request, _("请先勾选要操作的记录。"))
            return HttpResponseRedirect(back)
        if request.POST.get("action") == EXPORT_SELECTED:
            # 导出所选: the export page with the list's own filters and the checked rows.
            query = QueryDict(urlsplit(back).query, mutable=True)
            query.pop("page", None)
            query.setlist("selected", keys)
            return HttpResponseRedirect(f"{reverse(self.config.url_name('export'))}?{query.urlencode()}")
        action = next(
            (a for a in self.config.batch_actions(request.user) if a.name == request.POST.get("action")), None
        )
        if action is None:
            messages.error(request, _("请选择要执行的批量操作。"))
            return HttpResponseRedirect(back)
        # In the order the rows were checked on the page (the list's own order).
        found = {str(obj.pk): obj for obj in self.config.visible(request.user).filter(pk__in=keys)}
        if len(found) != len(set(keys)):
            raise Http404
        objects = [found[k] for k in dict.fromkeys(keys)]
        form = bootstrapify(action.form_class()(data=request.POST if "confirmed" in request.POST else None))
        if "confirmed" not in request.POST or not validate(form):
            return self.render_to_response(
                {**self.base_context(), "action": action, "objects": objects, "form": form, "back": back}
            )
        done, refused = self.run(action, objects, form.cleaned_data)
        if done:
            messages.success(
                request,
                _("已对%(count)s条记录%(action)s。") % {"count": done, "action": action.label},
            )
        for obj, reason in refused[: self.refusals_shown]:
            messages.error(
                request,
                _("“%(object)s”未能%(action)s：%(reason)s") % {"object": obj, "action": action.label, "reason": reason},
            )
        if len(refused) > self.refusals_shown:
            messages.error(
                request,
                _("另有%(count)s条记录未能%(action)s，请筛选后逐条查看。")
                % {"count": len(refused) - self.refusals_shown, "action": action.label},
            )
        return HttpResponseRedirect(back)

    def run(
        self, action: Action, objects: list[models.Model], data: dict[str, Any]
    ) -> tuple[int, list[tuple[models.Model, str]]]:
        done = 0
        refused: list[tuple[models.Model, str]] = []
        with transaction.atomic():
            for obj in objects:
                if not action.allowed(obj, self.request.user):
                    refused.append((obj, _("当前状态不能进行此操作")))
                    continue
                try:
                    run_action(self.config, action, obj, self.request.user, dict(data))
                except Refused as exc:
                    refused.append((obj, str(exc)))
                else:
                    done += 1
        return done, refused

    def back_url(self) -> str:
        """Back to the list with its filters, sort, page and page size as they were."""
        back = self.request.POST.get("back", "")
        list_url = reverse(self.config.url_name("list"))
        return back if back.startswith(list_url) else list_url


class ObjectExportView(FilteredListMixin, View):
    """The filtered list as an xlsx file streamed as it is written: the rows are read as
    values over a server-side cursor, formatted column by column and zipped straight into
    the response, so the first bytes leave at once, memory stays flat and no temporary
    file is made (none can be left behind when the export fails).

    A list of more than ``RENCAI_EXPORT_BACKGROUND_ROWS`` rows is written by a background
    task instead (:mod:`rencai.core.objects.export_jobs`): the user lands on the job's
    page, which shows its progress and, when it is ready, the download."""

    chunk_size = 2000

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        plan = export_plan(self.config, request.user, request.GET, request)
        total = plan.queryset.count()
        if total > settings.RENCAI_EXPORT_BACKGROUND_ROWS:
            job = export_jobs.enqueue(plan, request.user, request.GET, total)
            return redirect("exports:job", pk=job.pk)
        # Audited before the first row leaves: a download broken off half-way was a disclosure too.
        record_export(
            self.config,
            rows=total,
            filters=audit.redact_query(request.GET),
            unmasked=plan.unmasked,
            selected=len(plan.selected),
            request=request,
        )
        rows = export_rows(self.config, plan.queryset, plan.columns, plan.unmasked, self.chunk_size)
        return xlsx_stream_response(stream_xlsx(self.config.verbose_name_plural, plan.headers, rows), self.config.slug)


class ObjectDetailView(ObjectViewMixin, TemplateView):
    template_name = "core/object_detail.html"

    def get_object(self) -> models.Model:
        obj: models.Model = get_object_or_404(self.config.visible(self.request.user), pk=self.kwargs["pk"])
        return obj

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        obj = self.get_object_cached()
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
            if not _empty_collection(obj, n)
        ]
        history = audit.entries_for(self.config.model._meta.label_lower, obj.pk).order_by("-seq")[:50]
        user = self.request.user
        editable = self.config.can_change(user) and self.config.editable(user).filter(pk=obj.pk).exists()
        deletable = (
            self.config.can_delete(user)
            and self.config.may_delete(obj, user)
            and self.config.editable(user).filter(pk=obj.pk).exists()
        )
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

    def labelled_changes(self, entry: AuditEntry) -> list[tuple[str, str, str]]:
        """(field label, before, after) for every field the entry changed, in plain words
        (see :func:`rencai.core.display.labelled_changes`); for an import's batch entry,
        this record's spreadsheet row and the hash the chain keeps of its values."""
        listed = audit.batch_row(entry, self.kwargs["pk"])
        if listed is not None:
            rows: list[tuple[str, str, str]] = []
            if listed["row"]:
                rows.append((_("导入文件行号"), "", _("第 %(row)s 行") % {"row": listed["row"]}))
            rows.append((_("导入时数据指纹（SHA-256）"), "", str(listed["sha256"])[:16] + "…"))
            return rows
        obj = self.get_object_cached()
        return labelled_changes(
            self.config.model, entry.changes, lambda name, value: self.config.describe_value(obj, name, value)
        )

    def get_object_cached(self) -> models.Model:
        if not hasattr(self, "_object"):
            self._object = self.get_object()
        return self._object


def _empty_collection(obj: models.Model, name: str) -> bool:
    """A list or mapping field with nothing in it (缺失的数据项 of a complete document) is
    left out of the detail page rather than shown as an empty bracket."""
    value = getattr(obj, name, None)
    return isinstance(value, list | dict) and not value


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
        return {**self.base_context(), "action": action, "object": obj, "form": form, "notes": action.notes(obj)}


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
            "batch": (f"o/{slug}/batch/", ObjectBatchView),
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
