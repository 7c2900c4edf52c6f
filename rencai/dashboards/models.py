"""Targets with live progress, templates of generated documents (wording the office edits,
its placeholders checked by the template form against the data items), and the documents
generated from them."""

import re
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rencai.core.models import ScopedModel


class Target(ScopedModel):
    """到2025年培育并保持领军人才X名: a number to reach by a date, counted live."""

    name = models.CharField(_("目标名称"), max_length=150)
    entry = models.ForeignKey(
        "talents.DictionaryEntry",
        verbose_name=_("人才类别/层级/层次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind__in": ["category", "tier", "level"]},
        help_text=_("统计在库人才中属于该类别、层级或百千万层次的人数；不选则统计全部在库人才。"),
    )
    pool = models.ForeignKey(
        "talents.TalentPool",
        verbose_name=_("人才库"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("选择后统计该人才库在库成员数。"),
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("范围（机构）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("不选表示全市。"),
    )
    number = models.PositiveIntegerField(_("目标数"), validators=[MinValueValidator(1)])
    starts_on = models.DateField(_("起始日期"))
    due_on = models.DateField(_("完成期限"))

    shared = True

    class Meta:
        ordering = ["due_on", "name"]
        verbose_name = _("工作目标")
        verbose_name_plural = _("工作目标")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.entry_id and self.pool_id:
            raise ValidationError(_("人才类别/层级与人才库只能选一项。"))
        if self.starts_on and self.due_on and self.due_on <= self.starts_on:
            raise ValidationError({"due_on": _("完成期限须晚于起始日期。")})

    def elapsed_share(self, on: date) -> float:
        total = (self.due_on - self.starts_on).days
        done = (min(max(on, self.starts_on), self.due_on) - self.starts_on).days
        return done / total if total else 1.0


class DocumentKind(models.TextChoices):
    ANNUAL_SUMMARY = "annual_summary", _("年度人才工作总结")
    TRAINING_REPORT = "training_report", _("人才培训情况调研报告")
    SELECTION_NOTICE = "selection_notice", _("评选结果通报")
    WORK_REPORT = "work_report", _("工作汇报材料")


class DocumentTemplate(ScopedModel):
    """The wording of a generated document. ``{{在库人才总数}}`` is filled from the data of
    the chosen year and scope; ``# `` and ``## `` start headings; a line
    ``[表格：人才层级]`` or ``[图表：人才层级]`` puts a table or a chart there."""

    kind = models.CharField(_("文种"), max_length=30, choices=DocumentKind.choices)
    title = models.CharField(_("标题"), max_length=150, help_text=_("可使用占位符，例如 {{年度}}年人才工作总结。"))
    recipients = models.CharField(_("主送机关"), max_length=100, blank=True)
    body = models.TextField(_("正文"))
    issuer = models.CharField(_("发文机关署名"), max_length=100, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    shared = True

    class Meta:
        ordering = ["kind", "title"]
        verbose_name = _("文稿模板")
        verbose_name_plural = _("文稿模板")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}"


class DocumentState(models.TextChoices):
    QUEUED = "queued", _("排队生成")
    DONE = "done", _("已生成")
    FAILED = "failed", _("生成失败")


class GeneratedDocument(ScopedModel):
    template = models.ForeignKey(DocumentTemplate, verbose_name=_("模板"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("范围（机构）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("生成人"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("状态"), max_length=20, choices=DocumentState.choices, default=DocumentState.QUEUED)
    file = models.FileField(_("文件"), upload_to="documents/%Y/", blank=True)
    missing = models.JSONField(_("缺失的数据项"), default=list, blank=True)
    message = models.TextField(_("说明"), blank=True)

    shared = True

    class Meta:
        ordering = ["-id"]
        verbose_name = _("生成的文稿")
        verbose_name_plural = _("生成的文稿")

    def __str__(self) -> str:
        title = self.title_text()
        return title if str(self.year) in title else f"{title}（{self.year}年）"

    def title_text(self) -> str:
        """The template's title with its year and scope filled in, as the document's own
        title reads (``{{年度}}年全市金融人才工作总结`` → 2026年全市金融人才工作总结); the
        generated file fills every other placeholder from the platform's figures."""
        whole_city = "全市"  # i18n: a placeholder's value in a Chinese document title
        values = {
            "年度": str(self.year),
            "范围": self.organization.name if self.organization else whole_city,
        }  # i18n: the placeholders of Chinese document templates
        return re.sub(r"\{\{\s*([^{}\s]+)\s*\}\}", lambda m: values.get(m.group(1), m.group(0)), self.template.title)
