"""Base models every app builds on, and the append-only audit log."""

from collections.abc import Collection
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from rencai.core.roles import BUSINESS_ROLES, BUSINESS_WRITERS, CITYWIDE_READERS, Role, role_of

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ScopedQuerySet(models.QuerySet[Any]):
    """The one place where a user's scope is decided.

    A model says how it is owned through ``scope_path`` (the lookup to the owning
    organisation's tree path); reviewers and talents get what the model's
    ``reviewer_scope`` / ``talent_scope`` give (nothing unless a model says otherwise).
    """

    def _model(self) -> "type[ScopedModel]":
        model: type[ScopedModel] = self.model
        return model

    # A model's scopes narrow the queryset they are given (filter, none), so its class
    # (an app's subclass of ScopedQuerySet) is kept: hence ``Self`` and the casts.

    def visible_to(self, user: object) -> Self:
        role = role_of(user)
        model = self._model()
        if role in CITYWIDE_READERS:
            return self.all()
        if model.shared and role in BUSINESS_ROLES:
            return self.all()
        if role == Role.LIAISON:
            return self._within_organization_of(user)
        if role == Role.REVIEWER:
            return cast(Self, model.reviewer_scope(self, user))
        if role == Role.TALENT:
            return cast(Self, model.talent_scope(self, user))
        return cast(Self, model.admin_scope(self, user))

    def editable_by(self, user: object) -> Self:
        role = role_of(user)
        model = self._model()
        if model.shared:
            return self.all() if role == Role.OFFICE else self.none()
        if role == Role.TALENT:
            return cast(Self, model.talent_scope(self, user, editing=True))
        if role not in BUSINESS_WRITERS:
            return cast(Self, model.admin_scope(self, user, editing=True))
        return self.visible_to(user)

    def _within_organization_of(self, user: object) -> Self:
        organization = getattr(user, "organization", None)
        if organization is None:
            return self.none()
        return self.filter(within_tree(self.model, self.model.scope_path, organization.path))


def within_tree(model: type[models.Model], scope_path: str, path: str) -> models.Q:
    """The rows of ``model`` owned within the organisation tree at ``path``, ``scope_path``
    leading to the owner's tree path. Through a foreign key to the owner it is "the key is
    one of the tree's", a subquery of the small organisations table, not a join with it:
    PostgreSQL then counts a liaison's rows from the owning table's index, in parallel (the
    bank liaison's grouped count of talents at 1,000,000: 38 → 20 ms; docs/scaling.md)."""
    head, _sep, field = scope_path.rpartition("__")
    if not head or field != "path":
        return models.Q(**{f"{scope_path}__startswith": path})
    owner: Any = model
    for name in head.split("__"):
        owner = owner._meta.get_field(name).related_model
    return models.Q(**{f"{head}__in": owner._base_manager.filter(path__startswith=path).values("pk")})


class TrackedModel(models.Model):
    """A model whose every change is audited and whose edits carry a version."""

    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    #: Fields left out of the audit diff (noise or secrets).
    audit_exclude: tuple[str, ...] = ("version", "created_at", "updated_at")
    #: The field values as loaded from the database (set by ``from_db``).
    _audit_snapshot: dict[str, Any]

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db: str | None, field_names: Collection[str], values: Collection[Any]) -> Self:
        instance = super().from_db(db, field_names, values)
        instance._audit_snapshot = dict(zip(field_names, values, strict=True))
        return instance


class ScopedModel(TrackedModel):
    """A model reached through ``objects.visible_to(user)``."""

    objects = ScopedQuerySet.as_manager()
    scope_path = "organization__path"
    #: Reference data of the office (pools, rules): every business role reads it, only
    #: office staff change it.
    shared = False

    class Meta:
        abstract = True

    @classmethod
    def reviewer_scope(cls, queryset: ScopedQuerySet, user: object) -> ScopedQuerySet:
        return queryset.none()

    @classmethod
    def talent_scope(cls, queryset: ScopedQuerySet, user: object, editing: bool = False) -> ScopedQuerySet:
        """What a talent sees (and, with ``editing``, may change): nothing unless a model says."""
        return queryset.none()

    @classmethod
    def admin_scope(cls, queryset: ScopedQuerySet, user: object, editing: bool = False) -> ScopedQuerySet:
        """三员分立: administrators see no business data."""
        return queryset.none()


class OrgOwnedModel(ScopedModel):
    """Business data owned by one organisation."""

    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("所属机构"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True


class Edition(models.Model):
    """A definition others depend on (a rubric, a return form): once in use it is never
    edited in place; :func:`next_edition` copies it, with its parts, as the next edition."""

    edition = models.PositiveSmallIntegerField(_("版本号"), default=1, editable=False)
    previous = models.ForeignKey(
        "self", verbose_name=_("上一版本"), null=True, blank=True, on_delete=models.PROTECT, editable=False
    )
    #: The Chinese message that refuses an edit of a definition in use.
    in_use_message: "StrOrPromise" = ""

    class Meta:
        abstract = True

    def in_use(self) -> bool:
        raise NotImplementedError

    def refuse_if_in_use(self) -> None:
        if self.pk and self.in_use():
            raise ValidationError(self.in_use_message)


EditionT = TypeVar("EditionT", bound=Edition)


def next_edition(original: EditionT, family: dict[str, Any], parts: tuple[str, ...]) -> EditionT:
    """A copy of ``original`` numbered after the latest edition of its ``family`` (the
    lookup that names all editions, e.g. ``{"code": "HR"}``), with copies of the records
    of each related manager in ``parts``."""
    model = type(original)
    latest = model._default_manager.filter(**family).order_by("-edition").first()
    assert latest is not None  # ``original`` itself is in its family
    copy = model._default_manager.get(pk=original.pk)
    copy.pk = None  # the auto ``id`` of every concrete edition model
    copy._state.adding = True
    copy.edition, copy.previous = latest.edition + 1, original
    cast(TrackedModel, copy).version = 1  # concrete editions are also TrackedModels
    copy.save()
    for name in parts:
        manager = getattr(original, name)
        for part in manager.all():
            part.pk = part.id = None
            part._state.adding = True
            setattr(part, manager.field.name, copy)
            part.version = 1
            part.save()
    return copy


class AuditAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出")
    EXPORT = "export", _("导出")
    IMPORT = "import", _("导入")
    UNMASK = "unmask", _("查看敏感信息")
    PERMISSION = "permission", _("权限变更")
    KEYS = "keys", _("密钥与算法")


class AuditEntry(models.Model):
    """One entry of the append-only, hash-chained audit log.

    ``hash`` is the chain hash (SHA-256, or SM3 after a switch entry: see ``rencai.core.audit``)
    over ``prev_hash`` and this entry's content; ``seq`` is gapless,
    so a removed, changed or inserted row breaks the chain (see ``verify_audit``).
    """

    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    created_at = models.DateTimeField(_("时间"), db_index=True)
    user_id = models.BigIntegerField(_("用户ID"), null=True, blank=True)
    username = models.CharField(_("用户"), max_length=150, blank=True, db_index=True)
    organization_id = models.BigIntegerField(_("机构ID"), null=True, blank=True)
    ip = models.CharField(_("IP地址"), max_length=64, blank=True)
    user_agent = models.CharField(_("客户端"), max_length=300, blank=True)
    action = models.CharField(_("操作"), max_length=20, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("对象ID"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=300, blank=True)
    changes = models.JSONField(_("内容"), default=dict, blank=True)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64, unique=True)

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")

    def __str__(self) -> str:
        return f"#{self.seq} {self.get_action_display()} {self.object_repr}"


class AuditEntryObject(models.Model):
    """A record that a batch entry of the audit log covers.

    An import writes one chained entry per batch (``changes["batch"]`` lists each row's id
    and the SHA-256 of its values, so the chain proves every row); these rows let a
    record's history find that entry by the record's type and id. They are an index: the
    entry itself is what ``verify_audit`` checks.
    """

    entry = models.ForeignKey(AuditEntry, on_delete=models.PROTECT, related_name="covered", db_constraint=False)
    object_type = models.CharField(_("对象类型"), max_length=100)
    object_id = models.CharField(_("对象ID"), max_length=64)

    class Meta:
        verbose_name = _("审计日志所涉记录")
        verbose_name_plural = _("审计日志所涉记录")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_lookup")]


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    CHECKING = "checking", _("检查中")
    PREVIEW = "preview", _("待确认导入")
    COMMITTING = "committing", _("写入中")
    DONE = "done", _("已导入")
    FAILED = "failed", _("失败")
    CANCELLED = "cancelled", _("已取消")


class ImportJob(models.Model):
    """One uploaded file on its way through the import pipeline: checked (preview), then
    committed, each step run in the background with progress and a cancel switch."""

    ACTIVE = (ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.COMMITTING)

    object_slug = models.CharField(_("导入对象"), max_length=50)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导入人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("所属机构"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    file_name = models.CharField(_("文件名"), max_length=200)
    file_sha256 = models.CharField(_("文件摘要"), max_length=64, db_index=True)
    file_size = models.PositiveBigIntegerField(_("文件大小"), default=0)
    all_or_nothing = models.BooleanField(_("有错误行则全部不导入"), default=True)
    status = models.CharField(_("状态"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    progress_done = models.PositiveIntegerField(_("已处理行数"), default=0)
    progress_total = models.PositiveIntegerField(_("总行数"), default=0)
    summary = models.JSONField(_("结果"), default=dict, blank=True)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    #: What the importer confirmed with the commit: ``{"rows": [...]}`` (rows that rename
    #: or move a registered person) and ``{"departments": true}`` (create missing ones).
    confirmations = models.JSONField(_("导入时的确认"), default=dict, blank=True)
    message = models.TextField(_("说明"), blank=True)
    cancel_requested = models.BooleanField(_("已请求取消"), default=False)
    heartbeat_at = models.DateTimeField(_("最近进度时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")

    def __str__(self) -> str:
        return f"{self.file_name}（{self.get_status_display()}）"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("导出中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
    EXPIRED = "expired", _("已过期")


class ExportJobQuerySet(models.QuerySet["ExportJob"]):
    def visible_to(self, user: object) -> "ExportJobQuerySet":
        """An export job is seen by the user who asked for it and by nobody else (not even
        the office): its file holds exactly what that user may see, masked as for them."""
        pk = getattr(user, "pk", None)
        if pk is None or not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user_id=pk)


class ExportJob(models.Model):
    """A list's export too large to stream while the browser waits: written in the
    background to a file of its own under ``MEDIA_ROOT/exports/``, downloaded by the user
    who asked for it until it expires (:mod:`rencai.core.objects.export_jobs`).

    Not a declared object: nobody edits or deletes a job by hand, and its only reader is
    its owner (:meth:`ExportJobQuerySet.visible_to`)."""

    ACTIVE = (ExportStatus.QUEUED, ExportStatus.RUNNING)

    object_slug = models.CharField(_("导出对象"), max_length=50)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("导出人"), on_delete=models.CASCADE)
    #: The list's query string as ``[[name, value], ...]`` (filters, search, sort).
    #: Cleared when the job ends (it may hold a searched name or number); ``filters``
    #: keeps the redacted form the audit entries show.
    query = models.JSONField(_("查询参数"), default=list, blank=True)
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    #: The checked rows of 导出所选 (primary keys), empty for the whole filtered list.
    selected = models.JSONField(_("所选记录"), default=list, blank=True)
    unmasked = models.BooleanField(_("不遮蔽个人信息"), default=False)
    status = models.CharField(_("状态"), max_length=20, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    rows = models.PositiveIntegerField(_("已写入行数"), default=0)
    total = models.PositiveIntegerField(_("总行数"), default=0)
    file = models.FileField(_("文件"), upload_to="exports/", max_length=300, blank=True)
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    message = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        indexes = [models.Index(fields=["status", "finished_at"], name="core_exportjob_status_idx")]

    def __str__(self) -> str:
        return f"{self.file_name or self.object_slug}（{self.get_status_display()}）"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


def new_epoch() -> str:
    import secrets

    return secrets.token_hex(8)


class DataVersion(models.Model):
    """How often the rows of one app have changed: advanced in the transaction of every
    audited write (:mod:`rencai.core.dataversion`), so a figure cached under the versions
    it was computed from is never served after a change. ``epoch`` is drawn when the row
    is made, so a counter that starts again (its row rolled back with a test's or a failed
    first write's transaction) never repeats an earlier key."""

    label = models.CharField(_("应用"), max_length=100, primary_key=True)
    version = models.PositiveBigIntegerField(_("版本"), default=0)
    epoch = models.CharField(_("起始标记"), max_length=16, default=new_epoch)

    class Meta:
        verbose_name = _("数据版本")
        verbose_name_plural = _("数据版本")

    def __str__(self) -> str:
        return f"{self.label} {self.version}"
