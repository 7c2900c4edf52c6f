"""Targets with live progress, document templates and the documents generated from them,
declared once (pages, export, API)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from rencai.core.objects import ObjectConfig, Policy, Section, register
from rencai.core.roles import NOBODY, OFFICE_AND_LEADERS, OFFICE_ONLY
from rencai.dashboards.forms import TemplateForm
from rencai.dashboards.models import DocumentState, DocumentTemplate, GeneratedDocument, Target
from rencai.dashboards.targets import progress


@register
class TargetObjects(ObjectConfig):
    model = Target
    slug = "targets"
    nav_section = "dashboards"
    nav_roles = OFFICE_AND_LEADERS
    list_columns = ["name", "entry", "pool", "organization", "number", "starts_on", "due_on"]
    form_fields = ["name", "entry", "pool", "organization", "number", "starts_on", "due_on"]
    policy = Policy(view=OFFICE_AND_LEADERS, change=OFFICE_ONLY)

    def detail_sections(self, obj, user) -> list[Section]:
        found = progress(obj, user)
        return [
            Section(
                title=_("进度"),
                headers=[_("当前"), _("目标"), _("完成率"), _("时间进度"), _("判断")],
                rows=[
                    (
                        found.url,
                        [str(found.current), str(obj.number), f"{found.percent}%", f"{found.elapsed}%", found.mark],
                    )
                ],
                key="progress",
            )
        ]


@register
class TemplateObjects(ObjectConfig):
    model = DocumentTemplate
    slug = "document-templates"
    nav_section = "setup"
    nav_roles = OFFICE_ONLY
    list_columns = ["kind", "title", "is_active"]
    form_class = TemplateForm
    policy = Policy(view=OFFICE_AND_LEADERS, change=OFFICE_ONLY)

    def detail_links(self, obj, user):
        return [(_("生成文稿"), f"{reverse('dashboards:generate')}?template={obj.pk}")]


@register
class GeneratedObjects(ObjectConfig):
    """Generated documents are made only by the generate page (``services.request_document``)."""

    model = GeneratedDocument
    slug = "generated-documents"
    nav_section = "dashboards"
    nav_roles = OFFICE_AND_LEADERS
    list_columns = ["template", "year", "organization", "requested_by", "state", "missing"]
    policy = Policy(view=OFFICE_AND_LEADERS, create=NOBODY, change=NOBODY)

    def detail_links(self, obj, user):
        if obj.state == DocumentState.DONE:
            return [(_("下载Word"), reverse("dashboards:download", args=[obj.pk]))]
        return []
