"""The DRF viewset every declared object gets.

Input is validated by the same form the page uses (so the API accepts exactly the fields
the user's form accepts, with the same messages), and every write goes through
:mod:`rencai.core.objects.writes`. Serializers only shape the output and document the
input in the OpenAPI schema.
"""

from collections.abc import Mapping, Sequence
from typing import Any, cast

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models
from django.db.models import Q, QuerySet
from django.forms.models import model_to_dict
from django.http import QueryDict
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.serializers import Field as SerializerField
from rest_framework.utils.model_meta import RelationInfo
from rest_framework.views import APIView

from rencai.core import audit
from rencai.core.forms import validate
from rencai.core.models import AuditAction
from rencai.core.objects.config import ObjectConfig, registered, scoped_choices
from rencai.core.objects.writes import delete_object, run_action, save_object
from rencai.core.permissions import SecondFactorVerified
from rencai.core.personal import EncryptedField, mask, personal_fields
from rencai.core.roles import may_unmask

#: The largest id the databases hold; a longer one in an address is a 404.
ID_PATTERN = "[0-9]{1,18}"


class ScopedRelatedField(serializers.PrimaryKeyRelatedField[Any]):
    """The id of a scoped object (organisation, talent …) the requesting user may write to,
    or of shared reference data they may read; any other id is refused like a missing one."""

    def __init__(self, related_model: type[models.Model] | None = None, limit: Q | None = None, **kwargs: Any) -> None:
        self.related_model = related_model
        self.limit = limit
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Any] | None:
        request = self.context.get("request")
        assert self.related_model is not None  # always given by DeclaredSerializer
        queryset = scoped_choices(self.related_model, request.user if request else None)
        if self.limit is None or queryset is None:
            return queryset
        return queryset.filter(self.limit)


def unmask_requested(request: Request | None) -> bool:
    return request is not None and may_unmask(request.user) and request.query_params.get("unmask") == "1"


class DeclaredSerializer(serializers.ModelSerializer[Any]):
    """The object as the API shows it (personal data masked unless unmasking was asked
    for by someone who may), and the input the schema documents."""

    version = serializers.IntegerField(required=False, help_text="编辑时必须提交读取时的版本号")

    def build_relational_field(
        self, field_name: str, relation_info: RelationInfo
    ) -> tuple[type[SerializerField[Any, Any, Any, Any]], dict[str, Any]]:
        field_class, kwargs = super().build_relational_field(field_name, relation_info)
        related = relation_info.related_model
        if "queryset" in kwargs and hasattr(related._default_manager, "visible_to"):
            limit = relation_info.model_field.get_limit_choices_to() if relation_info.model_field else None
            kwargs.pop("queryset")
            kwargs["related_model"] = related
            kwargs["limit"] = Q(**limit) if isinstance(limit, dict) and limit else None
            if relation_info.to_many:
                kwargs.pop("many", None)
                return serializers.ManyRelatedField, {
                    "child_relation": ScopedRelatedField(related_model=related, limit=kwargs["limit"]),
                    **{k: v for k, v in kwargs.items() if k not in ("related_model", "limit")},
                }
            return ScopedRelatedField, kwargs
        return field_class, kwargs

    def to_representation(self, instance: models.Model) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not unmask_requested(self.context.get("request")):
            for field in instance._meta.concrete_fields:
                if isinstance(field, EncryptedField) and field.name in data:
                    data[field.name] = mask(data[field.name] or "", field.kind)
        return data


class PolicyPermission(permissions.BasePermission):
    """The declaration's policy decides, verb by verb, as it does for the pages."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        view = cast(DeclaredViewSet, view)  # the permission of declared viewsets only
        config: ObjectConfig = view.config
        user = request.user
        if request.method in permissions.SAFE_METHODS or view.action == "do":
            return config.can_view(user)  # each declared action checks its own roles
        if view.action == "create":
            return config.can_create(user)
        if view.action == "destroy":
            return config.can_delete(user)
        return config.can_change(user)


def _form_value(field: forms.Field, data: Mapping[str, Any], name: str) -> Any:
    """One input as a page's form post would carry it: a list for a multiple choice, text
    for anything else (a JSON number or boolean is written out, null is empty)."""
    multiple = isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
    if isinstance(data, QueryDict):
        return data.getlist(name) if multiple else data.get(name)
    value = data[name]
    if multiple:
        if not isinstance(value, list) or any(isinstance(v, dict | list) for v in value):
            raise ValidationError({name: [_("应为一组编号。")]})
        return [str(v) for v in value]
    if isinstance(value, dict | list):
        raise ValidationError({name: [_("应为单个值。")]})
    if value is None:
        return ""
    if isinstance(value, bool):
        return value if isinstance(field, forms.BooleanField) else str(value).lower()
    return str(value) if not isinstance(field, forms.FileField) else value


def _as_posted(value: Any) -> Any:
    """A model value as a page's form post carries it: ids for related records (a list of
    them for a multiple choice), booleans as they are, anything else as text."""
    if isinstance(value, list | tuple):
        return [str(getattr(v, "pk", v)) for v in value]
    if isinstance(value, bool):
        return value
    return str(getattr(value, "pk", value))


def _stored_values(form_class: type[forms.ModelForm[Any]], instance: models.Model) -> dict[str, Any]:
    """What the form would show for ``instance``: the base of a partial update."""
    names = [n for n, f in form_class.base_fields.items() if not isinstance(f, forms.FileField)]
    values = model_to_dict(instance, fields=names)
    return {name: "" if value is None else _as_posted(value) for name, value in values.items()}


def _initial_values(form_class: type[forms.Form] | type[forms.ModelForm[Any]]) -> dict[str, Any]:
    """What a new object's page form starts with (the model's defaults): a create sent
    without a field that has a default takes the default, as on the page."""
    values: dict[str, Any] = {}
    for name, field in form_class.base_fields.items():
        initial = field.initial() if callable(field.initial) else field.initial
        if initial is not None and not isinstance(field, forms.FileField):
            values[name] = _as_posted(initial)
    return values


def form_errors(form: forms.BaseForm) -> dict[str, list[str]]:
    return {
        ("non_field_errors" if name == NON_FIELD_ERRORS else name): [str(m) for m in messages]
        for name, messages in form.errors.items()
    }


class DeclaredViewSet(viewsets.ModelViewSet[Any]):
    config: ObjectConfig
    lookup_value_regex = ID_PATTERN
    permission_classes = [permissions.IsAuthenticated, SecondFactorVerified, PolicyPermission]

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return self.config.model._default_manager.none()  # ``objects``, the only manager
        if self.action in ("update", "partial_update", "destroy"):
            return self.config.editable(self.request.user).order_by(*self.config.ordering)
        return self.config.visible(self.request.user).order_by(*self.config.ordering)

    # --- input: the user's own form ---------------------------------------------------

    def bound_form(self, instance: models.Model | None) -> forms.ModelForm[Any]:
        """The user's form for ``instance`` bound to the request, validated; a field of
        another role's form is refused, read-only and unknown fields are ignored."""
        data = self.request.data
        if not isinstance(data, Mapping):
            raise ValidationError({"non_field_errors": [_("请求内容应为一个 JSON 对象或表单。")]})
        user = self.request.user
        form_class = self.config.get_form_class(user, instance)
        accepted = form_class.base_fields
        refused = sorted((set(data) & set(self.config.writable_fields())) - set(accepted))
        if refused:
            raise ValidationError({name: [_("您的角色无权修改此字段。")] for name in refused})
        values = _stored_values(form_class, instance) if instance is not None else _initial_values(form_class)
        values.update({name: _form_value(field, data, name) for name, field in accepted.items() if name in data})
        files = {name: self.request.FILES[name] for name in accepted if name in self.request.FILES}
        # A plain dict of files is what a form reads here; the stubs ask for a MultiValueDict.
        form = form_class(data=values, files=files, instance=instance)  # type: ignore[arg-type]
        self.config.limit_form_choices(form, user)
        if not validate(form):
            raise ValidationError(form_errors(form))
        return form

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = self.bound_form(None)
        instance = form.save(commit=False)
        notice = save_object(self.config, instance, request.user, save_related=form.save_m2m)
        return self.saved(instance, notice, status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        expected = request.data.get("version") if isinstance(request.data, Mapping) else None
        if expected in (None, ""):
            raise ValidationError({"version": [_("修改时必须提交读取时的版本号（version）。")]})
        form = self.bound_form(instance)
        obj = form.save(commit=False)
        notice = save_object(self.config, obj, request.user, expected_version=expected, save_related=form.save_m2m)
        return self.saved(obj, notice, status.HTTP_200_OK)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        delete_object(self.config, self.get_object(), request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def saved(self, instance: models.Model, notice: str | None, code: int) -> Response:
        instance.refresh_from_db()
        data = dict(self.get_serializer(instance).data)
        if notice:
            data["notice"] = notice
        return Response(data, status=code)

    # --- output: every disclosure of personal data is audited ----------------------------

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        rows = response.data.get("results", []) if isinstance(response.data, dict) else response.data
        self.audit_unmasking([row["id"] for row in rows if "id" in row])
        return response

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().retrieve(request, *args, **kwargs)
        self.audit_unmasking([response.data.get("id")])
        return response

    def audit_unmasking(self, ids: Sequence[Any]) -> None:
        meta = cast(type[DeclaredSerializer], self.get_serializer_class()).Meta  # made by serializer_for
        shown = [f for f in personal_fields(self.config.model) if f in meta.fields]
        if not ids or not shown or not unmask_requested(self.request):
            return
        audit.record(
            AuditAction.UNMASK,
            object_type=self.config.model._meta.label_lower,
            object_id=",".join(str(i) for i in ids)[:64],
            object_repr=self.config.verbose_name_plural,
            changes={"fields": shown, "ids": ids, "path": "api"},
            request=self.request,
        )

    # --- declared actions --------------------------------------------------------------

    @extend_schema(
        request=inline_serializer("ActionInput", {"reason": serializers.CharField(required=False)}),
        responses={200: inline_serializer("ActionResult", {"detail": serializers.CharField()})},
        description="执行对象上声明的操作或流程转换（如审核通过、退回、出库、办结），输入与页面上的操作表单相同。",
    )
    @action(detail=True, methods=["post"], url_path=r"do/(?P<action_name>[a-z_-]+)")
    def do(self, request: Request, pk: str | None = None, action_name: str | None = None) -> Response:
        declared = self.config.action(action_name or "")
        if declared is None:
            raise NotFound(_("没有这项操作。"))
        obj = self.get_object()
        if not declared.allowed(obj, request.user):
            raise PermissionDenied(_("您现在不能对该记录进行此操作。"))
        if not isinstance(request.data, Mapping):
            raise ValidationError({"non_field_errors": [_("请求内容应为一个 JSON 对象或表单。")]})
        form_class = declared.form_class()
        values = {n: _form_value(f, request.data, n) for n, f in form_class.base_fields.items() if n in request.data}
        form = form_class(data=values)
        if not validate(form):
            raise ValidationError(form_errors(form))
        notice = run_action(self.config, declared, obj, request.user, form.cleaned_data)
        obj.refresh_from_db()
        return Response({"detail": notice or declared.label, "object": self.get_serializer(obj).data})


def serializer_for(config: ObjectConfig) -> type[DeclaredSerializer]:
    model_fields = {f.name for f in config.model._meta.get_fields()}
    writable = config.writable_fields()
    fields = list(config.api_fields or ["id", *writable])
    fields += [n for n in writable if n not in fields]
    if "version" not in fields:
        fields.append("version")
    extra = {
        name: serializers.CharField(required=False, write_only=True)
        for name in fields
        if name not in model_fields and name != "version"
    }
    read_only = ["id", *config.api_read_only_fields]
    meta = type("Meta", (), {"model": config.model, "fields": fields, "read_only_fields": read_only})
    return type(f"{config.model.__name__}Serializer", (DeclaredSerializer,), {"Meta": meta, **extra})


def viewset_for(config: ObjectConfig) -> type[DeclaredViewSet]:
    attrs = {
        "config": config,
        "serializer_class": serializer_for(config),
        "filterset_class": config.filterset_class,
        "search_fields": config.search_fields,
        "ordering_fields": [
            c for c in config.list_columns if c in {f.name for f in config.model._meta.concrete_fields}
        ],
        "queryset": config.model._default_manager.none(),  # ``objects``, the only manager
        "__doc__": f"{config.verbose_name_plural}",
    }
    return type(f"{config.model.__name__}ViewSet", (DeclaredViewSet,), attrs)


def build_router() -> DefaultRouter:
    router = DefaultRouter()
    for slug, config in registered().items():
        router.register(slug, viewset_for(config), basename=slug)
    return router
