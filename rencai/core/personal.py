"""Personal data: encrypted at rest, found by a keyed blind index, shown masked.

A value is stored as ``v1:<base64(nonce + AES-GCM ciphertext)>`` so that a database dump
reveals nothing; exact lookup goes through an HMAC-SHA256 of the normalised value.
"""

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import models

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


class EncryptedField(models.TextField):
    """A text field encrypted with AES-GCM; ``kind`` says how to mask it."""

    def __init__(self, *args, kind: str = "text", **kwargs):
        self.kind = kind
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt(value)

    def get_lookup(self, lookup_name):
        # Only isnull makes sense on ciphertext; exact search goes through the blind index.
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)


class BlindIndexField(models.CharField):
    """The HMAC of another field's value, kept in step on every save."""

    def __init__(self, *args, source: str = "", **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key in ("max_length", "editable", "blank", "db_index"):
            kwargs.pop(key, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.source) or ""
        index = blind_index(value) if value else ""
        setattr(model_instance, self.attname, index)
        return index


def personal_fields(model) -> dict[str, str]:
    """Field name → mask kind for every encrypted field of a model."""
    return {f.name: f.kind for f in model._meta.get_fields() if isinstance(f, EncryptedField)}
