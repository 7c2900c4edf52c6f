"""The funds' own pages: the execution report (per fund, line and purpose; per talent and
institution) and the finance ledger export."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from rencai.core import audit
from rencai.core.exports import write_xlsx, xlsx_response
from rencai.core.models import AuditAction
from rencai.core.objects.pages import RoleRequiredMixin
from rencai.core.roles import ALL_BUT_EXPERTS, CITYWIDE_READERS, may_unmask, role_of
from rencai.funds import figures
from rencai.funds.models import Fund


def _fund(request: HttpRequest) -> Fund | None:
    raw = request.GET.get("fund", "")
    funds = Fund.objects.all()
    if raw.isdigit() and len(raw) < 12:
        return funds.filter(pk=int(raw)).first()
    return funds.order_by("-year").first()


def _payments(request: HttpRequest, fund: Fund | None) -> Any:
    payments = figures.visible_payments(request.user)
    return payments.filter(line__fund=fund) if fund is not None else payments.none()


class ReportView(RoleRequiredMixin, TemplateView):
    template_name = "funds/report.html"
    roles = ALL_BUT_EXPERTS
    denied_message = gettext_lazy("您的角色无权查看资金报表。")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        fund = _fund(self.request)
        payments = _payments(self.request, fund)
        citywide = role_of(self.request.user) in CITYWIDE_READERS
        rows = figures.fund_rows(fund) if fund is not None and citywide else []
        total = sum((r.balance for r in rows), figures.services.EMPTY)
        return {
            "fund": fund,
            "funds": Fund.objects.order_by("-year"),
            "rows": rows,
            "total": total,
            "citywide": citywide,
            "talents": figures.by_talent(payments)[:200],
            "institutions": figures.by_institution(payments)[:200],
            "can_unmask": may_unmask(self.request.user),
        }


class LedgerView(RoleRequiredMixin, TemplateView):
    """The paid and reversed payments the user may see as an xlsx in the finance layout;
    amounts masked unless the exporter may unmask and asks to (``?unmask=1``)."""

    roles = ALL_BUT_EXPERTS
    denied_message = gettext_lazy("您的角色无权导出资金明细。")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        fund = _fund(request)
        unmasked = may_unmask(request.user) and request.GET.get("unmask") == "1"
        payments = _payments(request, fund)
        headers = [str(h) for h in figures.LEDGER_HEADERS]
        content = write_xlsx(_("资金支出明细"), headers, figures.ledger_rows(payments, unmasked))
        audit.record(
            AuditAction.EXPORT,
            object_type="funds.ledger",
            object_repr=str(fund or ""),
            changes={"fund": fund.pk if fund else None, "unmasked": unmasked},
            request=request,
        )
        return xlsx_response(content, _("资金支出明细-%(year)s") % {"year": fund.year if fund else ""})
