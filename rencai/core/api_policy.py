"""The API's error handler and schema post-processing, named in DRF's and
drf-spectacular's settings. Every refusal is JSON in Chinese with its own status; no input
reaches the client as a 500."""

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from rencai.core.errors import Refused


def _field_errors(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    return {("non_field_errors" if k == NON_FIELD_ERRORS else k): v for k, v in errors.items()}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with refusals, Django's validation errors, 404s and out-of-range
    numbers turned into Chinese JSON."""
    if isinstance(exc, Refused):
        return Response(_field_errors(exc.errors), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})
    if isinstance(exc, OverflowError | DataError):
        return Response({"detail": _("输入的数值超出范围或格式不正确。")}, status=400)
    if isinstance(exc, Http404):
        response = drf_exception_handler(exc, context)
        if response is not None:
            response.data = {"detail": _("未找到。")}
        return response
    return drf_exception_handler(exc, context)


ERROR_SCHEMA = {
    "type": "object",
    "description": "字段名（或 detail / non_field_errors）对应的中文错误信息",
    "additionalProperties": True,
}
ERROR_DESCRIPTIONS = {
    "400": "输入有误（按字段给出中文错误信息）",
    "401": "未登录或凭据无效",
    "403": "角色或范围无权进行此操作",
    "404": "记录不存在或不在您的范围内",
    "409": "与当前状态冲突（记录已被他人修改、仍被引用或状态已变化）",
    "415": "请求内容的格式无法识别（应为 JSON 或 multipart/form-data）",
}


def document_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Every operation may answer 400, 401, 403, 404 and 409 with a JSON error body; the
    schema says so, so that a client (and the fuzzer) knows every status it can get."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, description in ERROR_DESCRIPTIONS.items():
                operation["responses"].setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": ERROR_SCHEMA}}}
                )
    return result
