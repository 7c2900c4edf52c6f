"""Pages of the platform shell: home with to-dos, the audit viewer, planned mechanisms."""

import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django.views.generic.base import TemplateResponseMixin

from rencai.core import audit
from rencai.core.display import labelled_changes
from rencai.core.exports import write_xlsx, xlsx_response
from rencai.core.filters import AuditEntryFilter
from rencai.core.forms import bootstrapify
from rencai.core.models import AuditAction, AuditEntry
from rencai.core.portal import cards_for
from rencai.core.roles import Role, role_of
from rencai.core.todos import Todo, todo_provider, todos_of_request


class ReloadWhenEndedMixin(TemplateResponseMixin):
    """A background job's progress fragment, polled by htmx (imports, exports): once the
    job in the context has ended, the answer asks htmx to reload the whole page, which
    then shows the result."""

    def render_to_response(self, context: dict[str, Any], **response_kwargs: Any) -> HttpResponse:
        response = super().render_to_response(context, **response_kwargs)
        if not context["job"].is_active:
            response["HX-Refresh"] = "true"
        return response


class HomeView(LoginRequiredMixin, TemplateView):
    """我的待办; a talent's home is their own page (:class:`PortalView`)."""

    template_name = "core/home.html"

    def get_template_names(self) -> list[str]:
        return ["core/portal.html"] if role_of(self.request.user) == Role.TALENT else [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = {"todos": todos_of_request(self.request)}
        if role_of(self.request.user) == Role.TALENT:
            context["cards"] = cards_for(self.request.user)
        return context


class PortalView(HomeView):
    """我的主页: a talent's record, training, honours, services and applications on one page."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and role_of(request.user) != Role.TALENT:
            raise PermissionDenied(_("“我的主页”是人才本人的页面。"))
        return super().dispatch(request, *args, **kwargs)


class PlannedMechanismView(LoginRequiredMixin, TemplateView):
    """The place a mechanism of DESIGN.md takes in the navigation before it is built."""

    template_name = "core/planned.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        names = dict(settings.RENCAI_NAV_PLANNED)
        key = self.kwargs["key"]
        if key not in names:
            raise Http404
        return {"mechanism": names[key]}


class AuditorOnlyMixin(LoginRequiredMixin, UserPassesTestMixin):
    """三员分立: only the security auditor reads the audit log."""

    #: Set by ``View.setup`` (the mixin is always combined with a View).
    request: HttpRequest

    def test_func(self) -> bool:
        return role_of(self.request.user) == Role.AUDITOR


def _audit_rows(queryset: Iterable[AuditEntry]) -> Iterator[list[str]]:
    for entry in queryset:
        yield [
            str(entry.seq),
            timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M:%S"),
            entry.username,
            entry.get_action_display(),
            entry.object_type,
            entry.object_id,
            entry.object_repr,
            json.dumps(entry.changes, ensure_ascii=False),
            entry.ip,
            entry.user_agent,
            entry.hash,
        ]


AUDIT_HEADERS = ["序号", "时间", "用户", "操作", "对象类型", "对象ID", "对象", "内容", "IP地址", "客户端", "哈希"]


class AuditListView(AuditorOnlyMixin, TemplateView):
    template_name = "core/audit_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        filterset = AuditEntryFilter(self.request.GET, queryset=AuditEntry.objects.order_by("-seq"))
        bootstrapify(filterset.form)
        page = Paginator(filterset.qs, 50).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        rows = []
        for entry in page:
            model = _audited_model(entry.object_type)
            kind = str(model._meta.verbose_name) if model is not None else entry.object_type
            rows.append((entry, kind, labelled_changes(model, entry.changes)))
        return {"filterset": filterset, "page": page, "rows": rows, "querystring": query.urlencode()}


def _audited_model(label: str) -> type[models.Model] | None:
    """The model an audit entry's object type (``talents.talent``) names, if it still exists."""
    try:
        return apps.get_model(label) if "." in label else None
    except LookupError:
        return None


class AuditExportView(AuditorOnlyMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        filterset = AuditEntryFilter(request.GET, queryset=AuditEntry.objects.order_by("seq"))
        rows = list(_audit_rows(filterset.qs.iterator()))
        content = write_xlsx(_("审计日志"), AUDIT_HEADERS, rows)
        audit.record(
            AuditAction.EXPORT,
            object_type="core.auditentry",
            object_repr=_("审计日志"),
            changes={"rows": len(rows), "filters": request.GET.dict()},
            request=request,
        )
        return xlsx_response(content, "audit")


class AuditVerifyView(AuditorOnlyMixin, TemplateView):
    template_name = "core/audit_verify.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        checked, bad_seq, reason, checkpoint = audit.verify_all()
        return {"checked": checked, "bad_seq": bad_seq, "reason": reason, "checkpoint": checkpoint}


@todo_provider
def audit_chain_check(user: Any) -> list[Todo]:
    if role_of(user) != Role.AUDITOR:
        return []
    return [Todo(_("校验审计日志哈希链"), "/audit/verify/", 0, "info")]
