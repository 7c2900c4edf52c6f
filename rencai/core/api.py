"""The DRF viewset every declared object gets, and JSON errors in Chinese."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from rencai.core.actions import ActionRefused, run_action
from rencai.core.objects import ObjectConfig, registered, scoped_choices
from rencai.core.permissions import SecondFactorVerified
from rencai.core.personal import EncryptedField, mask
from rencai.core.roles import may_unmask
from rencai.core.versioning import StaleEdit, save_versioned


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """The id of a scoped object (organisation, talent …) the requesting user may write to,
    or of shared reference data they may read; any other id is refused like a missing one."""

    def __init__(self, related_model=None, limit=None, **kwargs):
        self.related_model = related_model
        self.limit = limit
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        queryset = scoped_choices(self.related_model, request.user if request else None)
        return queryset.filter(self.limit) if self.limit is not None else queryset


class DeclaredSerializer(serializers.ModelSerializer):
    """Adds version checking input and masks personal data in output."""

    version = serializers.IntegerField(required=False, help_text="编辑时必须提交读取时的版本号")

    def build_relational_field(self, field_name, relation_info):
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

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        unmasked = request is not None and may_unmask(request.user) and request.query_params.get("unmask") == "1"
        for field in instance._meta.concrete_fields:
            if isinstance(field, EncryptedField) and field.name in data and not unmasked:
                data[field.name] = mask(data[field.name] or "", field.kind)
        return data


class RolePermission(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        config: ObjectConfig = view.config
        user = request.user
        if request.method in permissions.SAFE_METHODS:
            return config.can_view(user)
        if view.action == "create":
            return config.can_create(user)
        if view.action == "do":
            return config.can_view(user)  # each declared action checks its own roles
        if view.action == "destroy":
            return config.can_delete(user)
        return config.can_change(user)


class DeclaredViewSet(viewsets.ModelViewSet):
    config: ObjectConfig = None
    permission_classes = [permissions.IsAuthenticated, SecondFactorVerified, RolePermission]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.config.model.objects.none()
        if self.action in ("update", "partial_update", "destroy"):
            return self.config.editable(self.request.user).order_by(*self.config.ordering)
        return self.config.visible(self.request.user).order_by(*self.config.ordering)

    def refuse_fields_outside_form(self, data: dict, instance=None) -> None:
        """The API may change only what the user's form for this object offers."""
        form_class = self.config.get_form_class(self.request.user, instance)
        allowed = set(form_class._meta.fields or ())
        refused = sorted(set(data) - allowed - {"version"})
        if refused:
            raise ValidationError({name: [_("您的角色无权修改此字段。")] for name in refused})

    def perform_create(self, serializer):
        self.refuse_fields_outside_form(serializer.validated_data)
        serializer.validated_data.pop("version", None)
        many = {k: v for k, v in serializer.validated_data.items() if isinstance(v, list)}
        instance = serializer.Meta.model(**{k: v for k, v in serializer.validated_data.items() if k not in many})
        try:
            with transaction.atomic():
                self.config.before_save(instance, self.request.user, creating=True)
                serializer.instance = instance
                instance.full_clean()
                instance.save()
                for name, values in many.items():
                    getattr(instance, name).set(values)
                self.notice = self.config.after_save(instance, self.request.user, creating=True)
        except ActionRefused as exc:
            raise ValidationError({"non_field_errors": [str(exc)]}) from exc

    def finalize_response(self, request, response, *args, **kwargs):
        notice = getattr(self, "notice", None)
        if notice and isinstance(getattr(response, "data", None), dict):
            response.data["notice"] = notice
        return super().finalize_response(request, response, *args, **kwargs)

    def perform_update(self, serializer):
        self.refuse_fields_outside_form(serializer.validated_data, serializer.instance)
        expected = serializer.validated_data.pop("version", None)
        if expected is None:
            raise ValidationError({"version": [_("修改时必须提交读取时的版本号（version）。")]})
        instance = serializer.instance
        many = {k: v for k, v in serializer.validated_data.items() if isinstance(v, list)}
        for key, value in serializer.validated_data.items():
            if key not in many:
                setattr(instance, key, value)
        try:
            with transaction.atomic():
                self.config.before_save(instance, self.request.user, creating=False)
                instance.full_clean()
                save_versioned(instance, expected, instance.save)
                for name, values in many.items():
                    getattr(instance, name).set(values)
                self.notice = self.config.after_save(instance, self.request.user, creating=False)
        except StaleEdit as exc:
            raise ValidationError({"version": [str(exc)]}) from exc
        except ActionRefused as exc:
            raise ValidationError({"non_field_errors": [str(exc)]}) from exc

    @extend_schema(
        request=inline_serializer("ActionInput", {"reason": serializers.CharField(required=False)}),
        responses={200: inline_serializer("ActionResult", {"detail": serializers.CharField()})},
        description="执行对象上声明的操作或流程转换（如审核通过、退回、出库、办结），输入与页面上的操作表单相同。",
    )
    @action(detail=True, methods=["post"], url_path=r"do/(?P<action_name>[a-z_-]+)")
    def do(self, request, pk=None, action_name=None):
        declared = self.config.action(action_name)
        if declared is None:
            raise NotFound
        obj = self.get_object()
        if not declared.allowed(obj, request.user):
            raise PermissionDenied(_("您现在不能对该记录进行此操作。"))
        form = declared.form_class()(data=request.data)
        if not form.is_valid():
            raise ValidationError(form.errors)
        try:
            notice = run_action(declared, obj, request.user, form.cleaned_data)
        except ActionRefused as exc:
            raise ValidationError({"non_field_errors": [str(exc)]}) from exc
        except DjangoValidationError as exc:
            raise ValidationError({"non_field_errors": exc.messages}) from exc
        obj.refresh_from_db()
        return Response({"detail": notice or declared.label, "object": self.get_serializer(obj).data})


def viewset_for(config: ObjectConfig) -> type[DeclaredViewSet]:
    fields = config.api_fields or ["id", *config.form_fields]
    if "version" not in fields:
        fields = [*fields, "version"]
    meta = type(
        "Meta",
        (),
        {"model": config.model, "fields": fields, "read_only_fields": ["id", *config.api_read_only_fields]},
    )
    serializer = type(f"{config.model.__name__}Serializer", (DeclaredSerializer,), {"Meta": meta})
    attrs = {
        "config": config,
        "serializer_class": serializer,
        "filterset_class": config.filterset_class,
        "search_fields": config.search_fields,
        "ordering_fields": [
            c for c in config.list_columns if c in {f.name for f in config.model._meta.concrete_fields}
        ],
        "queryset": config.model.objects.none(),
        "__doc__": f"{config.verbose_name_plural}",
    }
    return type(f"{config.model.__name__}ViewSet", (DeclaredViewSet,), attrs)


def build_router() -> DefaultRouter:
    router = DefaultRouter()
    for slug, config in registered().items():
        router.register(slug, viewset_for(config), basename=slug)
    return router
