"""Personal data: encrypted at rest, found by a keyed blind index, shown masked.

A value is stored as ``<suite>.<key version>:<base64(nonce + ciphertext + tag)>``
(``guomi.2:…`` is SM4-GCM under key 2, ``international.1:…`` AES-256-GCM under key 1; the
prefix is authenticated with the ciphertext) so that a database dump reveals nothing and
names the key each value needs. Values written before suites existed read
``v1:<base64>`` (AES-GCM under key 1) and stay readable. Exact lookup goes through a keyed
hash of the normalised value, stored as ``<suite>.<key version>:<base64url(HMAC)>``
(older ones: 64 hex digits of HMAC-SHA-256 under key 1); a search computes the index under
every configured key, so it finds rows before, during and after a rotation
(``manage.py rotate_keys``). See docs/crypto.md.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import os
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.db import models
from django.db.models import lookups

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.expressions import Combinable, Expression
    from django.db.models.lookups import Lookup
    from django.db.models.sql.compiler import SQLCompiler

    from rencai.secrets import KeyMaterial, Keyring

    # Django's field classes are generic in the stubs; at run time only after
    # django-stubs-ext's monkeypatch, which this module does not count on.
    _TextField = models.TextField[str | Combinable, str]
    _CharField = models.CharField[str | int | Combinable, str]
    _Exact = lookups.Exact[Any]
    _In = lookups.In[Any]
else:
    _TextField = models.TextField
    _CharField = models.CharField
    _Exact = lookups.Exact
    _In = lookups.In

LEGACY_PREFIX = "v1:"
LEGACY_LABEL = "v1"
_LABEL = re.compile(r"^([a-z]+)\.(\d+):")
_LEGACY_INDEX = re.compile(r"^[0-9a-f]{64}$")


def keyring() -> Keyring:
    ring: Keyring = settings.RENCAI_KEYRING
    return ring


def _key(suite: str, version: int) -> KeyMaterial:
    key = keyring().get(version)
    if key is None or key.suite != suite:
        raise ValueError(f"no key {suite}.{version} is configured (RENCAI_KEY_{version})")
    return key


def value_label(stored: str) -> str:
    """The suite and key version a stored value names: ``guomi.2``; ``v1`` for the old form."""
    if stored.startswith(LEGACY_PREFIX):
        return LEGACY_LABEL
    match = _LABEL.match(stored)
    if match is None:
        raise ValueError("not an encrypted value")
    return f"{match.group(1)}.{match.group(2)}"


def encrypt(plaintext: str, key: KeyMaterial | None = None) -> str:
    key = key or keyring().current
    prefix = f"{key.label}:"
    return prefix + base64.b64encode(key.seal(plaintext.encode(), prefix.encode())).decode()


def decrypt(stored: str) -> str:
    if stored.startswith(LEGACY_PREFIX):
        raw = base64.b64decode(stored[len(LEGACY_PREFIX) :])
        return _key("international", 1).open(raw, None).decode()
    match = _LABEL.match(stored)
    if match is None:
        raise ValueError("not an encrypted value")
    key = _key(match.group(1), int(match.group(2)))
    raw = base64.b64decode(stored[match.end() :])
    return key.open(raw, stored[: match.end()].encode()).decode()


def bulk_opener() -> Callable[[str], str]:
    """``decrypt`` for many values (an export's personal columns): the key and the cipher
    object of each label found are looked up once, not once per value (a third of the
    export's time at a million rows). Values that ``decrypt`` refuses are refused alike;
    a key whose operations a provider overrides (a cipher machine) keeps its own ``open``."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from rencai.secrets import KeyMaterial as PlainKey

    openers: dict[str, Callable[[bytes], bytes]] = {}
    b64decode = binascii.a2b_base64  # what base64.b64decode calls, without its checks of the type

    def opener_for(label: str) -> Callable[[bytes], bytes] | None:
        match = _LABEL.match(label)
        if match is None or match.end() != len(label):
            return None
        key = _key(match.group(1), int(match.group(2)))
        aad = label.encode()
        if type(key) is PlainKey and key.suite == "international":
            aes = AESGCM(key.field_key).decrypt
            return lambda raw: aes(raw[:12], raw[12:], aad)
        return lambda raw: key.open(raw, aad)

    def opened(stored: str) -> str:
        if not stored:
            return stored
        colon = stored.find(":") + 1
        label = stored[:colon]
        found = openers.get(label)
        if found is None:
            made = opener_for(label) if colon and label != LEGACY_PREFIX else None
            if made is None:
                return decrypt(stored)
            found = openers[label] = made
        return found(b64decode(stored[colon:])).decode()

    return opened


class _NonceSource:
    """Random 96-bit nonces drawn from ``os.urandom`` a few thousand at a time (one system
    call per 4,096 values instead of one per value)."""

    def __init__(self, size: int = 12, batch: int = 4096) -> None:
        self.size, self.batch = size, batch
        self.pool, self.at = b"", 0

    def __call__(self) -> bytes:
        if self.at >= len(self.pool):
            self.pool, self.at = os.urandom(self.size * self.batch), 0
        nonce = self.pool[self.at : self.at + self.size]
        self.at += self.size
        return nonce


def bulk_sealer(key: KeyMaterial | None = None) -> Callable[[str], str]:
    """``encrypt`` for many values under one key (an import's ID numbers, mobiles, e-mails):
    one cipher object for the key, nonces drawn in bulk. The stored form is
    :func:`encrypt`'s. A key whose operations a provider overrides (a cipher machine)
    keeps its own ``seal``."""
    from rencai.secrets import KeyMaterial as PlainKey

    key = key or keyring().current
    prefix = f"{key.label}:"
    aad = prefix.encode()
    if type(key) is not PlainKey or key.suite != "international":
        return lambda plaintext: encrypt(plaintext, key)
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    seal = AESGCM(key.field_key).encrypt
    nonce = _NonceSource()
    b64 = base64.b64encode

    def sealed(plaintext: str) -> str:
        n = nonce()
        return prefix + b64(n + seal(n, plaintext.encode(), aad)).decode()

    return sealed


def bulk_indexer(key: KeyMaterial | None = None) -> Callable[[str], str]:
    """:func:`index_under` for many values under one key, with the C ``hmac.digest``."""
    from rencai.secrets import KeyMaterial as PlainKey

    key = key or keyring().current
    if type(key) is not PlainKey or key.suite != "international":
        return lambda value: index_under(key, value)
    prefix = f"{key.label}:"
    index_key = key.index_key
    b64 = base64.urlsafe_b64encode

    def indexed(value: str) -> str:
        digest = hmac.digest(index_key, value.strip().upper().encode(), "sha256")
        return prefix + b64(digest).decode().rstrip("=")

    return indexed


def _legacy_index(key: KeyMaterial, value: str) -> str:
    from rencai.secrets import KeyMaterial as PlainKey

    if type(key) is PlainKey:
        return hmac.digest(key.index_key, _normalised(value), "sha256").hex()
    return key.mac(_normalised(value)).hex()


def bulk_blind_indexes() -> Callable[[str], list[str]]:
    """:func:`blind_indexes` for many values (an import's batch of keys), with one
    :func:`bulk_indexer` per configured key."""
    ring = keyring()
    makers = [bulk_indexer(ring.current)]
    makers += [bulk_indexer(key) for key in ring.keys.values() if key.version != ring.current_version]
    legacy = [key for key in ring.keys.values() if key.version == 1 and key.suite == "international"]

    def indexes(value: str) -> list[str]:
        found = [make(value) for make in makers]
        found += [_legacy_index(key, value) for key in legacy]
        return found

    return indexes


class BlindIndex(str):
    """A blind index under the writing key that also knows its value's index under every
    other configured key (``candidates``): lookups on a :class:`BlindIndexField` match any."""

    candidates: tuple[str, ...]


def _normalised(value: str) -> bytes:
    return value.strip().upper().encode()


def index_under(key: KeyMaterial, value: str) -> str:
    """The stored form of ``value``'s blind index under ``key``."""
    digest = key.mac(_normalised(value))
    return f"{key.label}:" + base64.urlsafe_b64encode(digest).decode().rstrip("=")


def blind_indexes(value: str) -> list[str]:
    """``value``'s index under every configured key (and in the old hex form of key 1),
    the writing key's first."""
    ring = keyring()
    found = [index_under(ring.current, value)]
    for key in ring.keys.values():
        if key.version != ring.current_version:
            found.append(index_under(key, value))
        if key.version == 1 and key.suite == "international":
            found.append(key.mac(_normalised(value)).hex())
    return found


def blind_index(value: str) -> BlindIndex:
    """Keyed hash of a normalised value, for exact-match search without decryption."""
    found = blind_indexes(value)
    index = BlindIndex(found[0])
    index.candidates = tuple(found)
    return index


def index_label(stored: str) -> str:
    """The suite and key version a stored blind index names (``v1`` for 64 hex digits)."""
    if _LEGACY_INDEX.match(stored):
        return LEGACY_LABEL
    label, sep, _rest = stored.partition(":")
    if not sep:
        raise ValueError("not a blind index")
    return label


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
    """A text field encrypted under the writing key's suite; ``kind`` says how to mask it."""

    def __init__(self, *args: Any, kind: str = "text", **kwargs: Any) -> None:
        self.kind = kind
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind
        return name, path, args, kwargs

    def formfield(
        self,
        form_class: type[forms.Field] | None = None,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field | None:
        """An ID number, a mobile or an e-mail address is one line (a text field would
        otherwise get a multi-line box); free text keeps its box."""
        if self.kind != "text":
            attrs = {"inputmode": "tel"} if self.kind == "mobile" else {}
            widget_class = forms.EmailInput if self.kind == "email" else forms.TextInput
            kwargs.setdefault("widget", widget_class(attrs=attrs))
        return super().formfield(form_class=form_class, choices_form_class=choices_form_class, **kwargs)

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
        index = str(blind_index(value)) if value else ""
        setattr(model_instance, self.attname, index)
        return index

    def get_lookup(self, lookup_name: str) -> type[Lookup[Any]] | None:
        if lookup_name == "exact":
            return BlindIndexExact
        if lookup_name == "in":
            return BlindIndexIn
        return super().get_lookup(lookup_name)


def _candidates(value: object) -> list[object]:
    return list(getattr(value, "candidates", None) or [value])


class BlindIndexExact(_Exact):
    """``field=blind_index(v)`` matches ``v``'s index under any configured key."""

    def __init__(self, lhs: Any, rhs: Any) -> None:
        self.candidates = tuple(_candidates(rhs)) if isinstance(rhs, BlindIndex) else ()
        super().__init__(lhs, rhs)

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, Any]:
        if len(self.candidates) < 2:
            return super().as_sql(compiler, connection)
        lhs_sql, params = self.process_lhs(compiler, connection)
        marks = ", ".join(["%s"] * len(self.candidates))
        return f"{lhs_sql} IN ({marks})", (*params, *self.candidates)


class BlindIndexIn(_In):
    """``field__in=[blind_index(v), …]`` matches each under any configured key."""

    def __init__(self, lhs: Any, rhs: Any) -> None:
        if isinstance(rhs, list | tuple | set) and any(isinstance(v, BlindIndex) for v in rhs):
            rhs = list(dict.fromkeys(c for v in rhs for c in _candidates(v)))
        super().__init__(lhs, rhs)


def personal_fields(model: type[models.Model]) -> dict[str, str]:
    """Field name → mask kind for every encrypted field of a model."""
    return {f.name: f.kind for f in model._meta.get_fields() if isinstance(f, EncryptedField)}
