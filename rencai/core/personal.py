"""Personal data: encrypted at rest, found by a keyed blind index, shown masked.

A value is stored as ``v1:<base64(nonce + AES-GCM ciphertext)>`` so that a database dump
reveals nothing; exact lookup goes through an HMAC-SHA256 of the normalised value.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import models

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.expressions import Combinable, Expression
    from django.db.models.lookups import Lookup

    # Django's field classes are generic in the stubs; at run time only after
    # django-stubs-ext's monkeypatch, which this module does not count on.
    _TextField = models.TextField[str | Combinable, str]
    _CharField = models.CharField[str | int | Combinable, str]
else:
    _TextField = models.TextField
    _CharField = models.CharField

_PREFIX = "v1:"


def _aesgcm() -> AESGCM:
    return _cipher(settings.FIELD_ENCRYPTION_KEY)


@lru_cache(maxsize=4)
def _cipher(key: str) -> AESGCM:
    return AESGCM(base64.urlsafe_b64decode(key))


def encrypt(plaintext: str) -> str:
    nonce = os.urandom(12)
    sealed = _aesgcm().encrypt(nonce, plaintext.encode(), None)
    return _PREFIX + base64.b64encode(nonce + sealed).decode()


def decrypt(stored: str) -> str:
    if not stored.startswith(_PREFIX):
        raise ValueError("not an encrypted value")
    raw = base64.b64decode(stored[len(_PREFIX) :])
    return _aesgcm().decrypt(raw[:12], raw[12:], None).decode()


def blind_index(value: str) -> str:
    """Keyed hash of a normalised value, for exact-match search without decryption."""
    key = settings.BLIND_INDEX_KEY.encode()
    return hmac.new(key, value.strip().upper().encode(), hashlib.sha256).hexdigest()


def mask(value: str, kind: str) -> str:
    """110105********1234, 138****5678, z***@example.com."""
    if not value:
        return ""
    if kind == "id_number" and len(value) >= 10:
        return value[:6] + "*" * (len(value) - 10) + value[-4:]
    if kind == "mobile" and len(value) >= 7:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    if kind == "email" and "@" in value:
        local, domain = value.split("@", 1)
        return local[:1] + "***@" + domain
    return value[:1] + "*" * max(len(value) - 1, 2)


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧**娜: enough to recognise oneself, not to expose others."""
    if len(name) <= 2:
        return name[:1] + "*" * (len(name) - 1)
    return name[0] + "*" * (len(name) - 2) + name[-1]


class EncryptedField(_TextField):
    """A text field encrypted with AES-GCM; ``kind`` says how to mask it."""

    def __init__(self, *args: Any, kind: str = "text", **kwargs: Any) -> None:
        self.kind = kind
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind
        return name, path, args, kwargs

    def from_db_value(self, value: str | None, expression: Expression, connection: BaseDatabaseWrapper) -> str | None:
        if not value:
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> str | None:
        prepared: str | None = super().get_prep_value(value)
        if not prepared:
            return prepared
        return encrypt(prepared)

    def get_lookup(self, lookup_name: str) -> type[Lookup[Any]] | None:
        # Only isnull makes sense on ciphertext; exact search goes through the blind index.
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)


class BlindIndexField(_CharField):
    """The HMAC of another field's value, kept in step on every save."""

    def __init__(self, *args: Any, source: str = "", **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key in ("max_length", "editable", "blank", "db_index"):
            kwargs.pop(key, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = getattr(model_instance, self.source) or ""
        index = blind_index(value) if value else ""
        setattr(model_instance, self.attname, index)
        return index


def personal_fields(model: type[models.Model]) -> dict[str, str]:
    """Field name → mask kind for every encrypted field of a model."""
    return {f.name: f.kind for f in model._meta.get_fields() if isinstance(f, EncryptedField)}
