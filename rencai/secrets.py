"""Secrets and keys come from outside the database; a development set is generated on first run.

The generated file lives in ``var/`` (ignored by git) so that a development database
stays readable across restarts. Production (``RENCAI_ENV=production``) refuses to start
without the secret key and a key for the configured algorithm suite, and refuses a key
file that the group or others may read.

Keys are numbered (key versions). Version 1 is the pair that existed before suites:
``RENCAI_FIELD_KEY`` (AES-256-GCM, url-safe base64 of 32 bytes) and ``RENCAI_INDEX_KEY``
(the HMAC key of the blind indexes, used as its UTF-8 bytes), always of the
``international`` suite. Further versions are written ``<suite>:<field key>:<index key>``
(both keys url-safe base64), in ``RENCAI_KEY_<n>`` variables or, one ``<n>=...`` per line,
in the file named by ``RENCAI_KEY_FILE``. ``RENCAI_CRYPTO`` picks the suite new values are
written in; the newest version of that suite writes (``RENCAI_KEY_VERSION`` pins one).

Where the key material comes from is a :class:`KeyProvider`: the default reads the
environment and the key file; ``RENCAI_KEY_PROVIDER`` names another (``module:attribute``),
for instance one that unwraps data keys with a KMS or hands out keys that stay inside a
cipher machine (see docs/crypto.md).
"""

from __future__ import annotations

import base64
import importlib
import json
import os
import re
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

SECRET_NAMES = ("RENCAI_SECRET_KEY", "RENCAI_FIELD_KEY", "RENCAI_INDEX_KEY")
SUITES = ("international", "guomi")
#: The field key length of each suite: AES-256 and SM4 (128-bit).
FIELD_KEY_BYTES = {"international": 32, "guomi": 16}
_VERSIONED = re.compile(r"^RENCAI_KEY_(\d+)$")


class KeyConfigurationError(RuntimeError):
    """A key is missing, malformed or kept where others may read it."""


@dataclass(frozen=True)
class KeyMaterial:
    """One key version: the suite it belongs to, the field key and the blind-index key.

    A provider whose keys never leave a device returns a subclass whose bytes are empty and
    whose ``rencai.core.crypto`` operations are overridden (see docs/crypto.md)."""

    version: int
    suite: str
    field_key: bytes = field(repr=False)
    index_key: bytes = field(repr=False)

    @property
    def label(self) -> str:
        """How stored values name this key: ``guomi.2``."""
        return f"{self.suite}.{self.version}"

    # The three operations the application asks of a key. A cipher machine's provider
    # overrides them to call the device; a KMS provider unwraps the bytes and keeps these.

    def seal(self, plaintext: bytes, aad: bytes | None) -> bytes:
        """Encrypt a personal field: ``nonce + ciphertext + tag``."""
        from rencai.core import crypto

        return crypto.seal(self.suite, self.field_key, plaintext, aad)

    def open(self, sealed: bytes, aad: bytes | None) -> bytes:
        """Decrypt what :meth:`seal` gave; raises when it was changed."""
        from rencai.core import crypto

        return crypto.open_sealed(self.suite, self.field_key, sealed, aad)

    def mac(self, data: bytes) -> bytes:
        """The keyed hash of a blind index."""
        from rencai.core import crypto

        return crypto.mac(self.suite, self.index_key, data)


@dataclass(frozen=True)
class Keyring:
    """Every key the application may read with, and the one it writes with."""

    keys: Mapping[int, KeyMaterial]
    current_version: int

    @property
    def current(self) -> KeyMaterial:
        return self.keys[self.current_version]

    def get(self, version: int) -> KeyMaterial | None:
        return self.keys.get(version)


class KeyProvider(Protocol):
    """Where keys come from: the environment, a key file, a KMS, a cipher machine."""

    def load(self, var_dir: Path, production: bool) -> list[KeyMaterial]: ...


def _b64(text: str) -> bytes:
    text = text.strip()
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def parse_key(version: int, text: str, where: str) -> KeyMaterial:
    """``<suite>:<field key>:<index key>`` → the key of ``version``."""
    parts = text.strip().split(":")
    if len(parts) != 3 or parts[0] not in SUITES:
        raise KeyConfigurationError(f"{where}：密钥格式应为“算法套件:字段密钥:索引密钥”，套件为 {' 或 '.join(SUITES)}")
    suite = parts[0]
    try:
        field_key, index_key = _b64(parts[1]), _b64(parts[2])
    except ValueError as exc:
        raise KeyConfigurationError(f"{where}：密钥不是有效的 base64") from exc
    if len(field_key) != FIELD_KEY_BYTES[suite]:
        raise KeyConfigurationError(
            f"{where}：{suite} 的字段密钥应为 {FIELD_KEY_BYTES[suite]} 字节，实际 {len(field_key)} 字节"
        )
    if len(index_key) < 16:
        raise KeyConfigurationError(f"{where}：索引密钥至少 16 字节")
    return KeyMaterial(version, suite, field_key, index_key)


def format_key(key: KeyMaterial) -> str:
    def enc(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    return f"{key.suite}:{enc(key.field_key)}:{enc(key.index_key)}"


def generate_key(version: int, suite: str) -> KeyMaterial:
    return KeyMaterial(version, suite, secrets.token_bytes(FIELD_KEY_BYTES[suite]), secrets.token_bytes(32))


def legacy_key(field_key: str, index_key: str) -> KeyMaterial:
    """Version 1: the AES-GCM key and the blind-index key as they were configured before suites."""
    raw = base64.urlsafe_b64decode(field_key)
    if len(raw) != 32:
        raise KeyConfigurationError("RENCAI_FIELD_KEY 应为 32 字节的 url-safe base64")
    return KeyMaterial(1, "international", raw, index_key.encode())


def check_key_file(path: Path, production: bool) -> None:
    """A key file must be a regular file that only its owner may read (in production)."""
    try:
        info = path.stat()
    except OSError as exc:
        raise KeyConfigurationError(f"无法读取密钥文件 {path}：{exc.strerror}") from exc
    if not stat.S_ISREG(info.st_mode):
        raise KeyConfigurationError(f"密钥文件 {path} 不是普通文件")
    if production and info.st_mode & 0o077:
        raise KeyConfigurationError(
            f"密钥文件 {path} 的权限为 {stat.filemode(info.st_mode)}，同组或其他用户可以访问；"
            f"请执行 chmod 600 {path}（生产环境拒绝启动）"
        )


def read_key_file(path: Path, production: bool) -> list[KeyMaterial]:
    """Lines ``<n>=<suite>:<field key>:<index key>`` (or ``RENCAI_KEY_<n>=…``, as
    ``rotate_keys --generate-key`` prints them); ``#`` starts a comment."""
    check_key_file(path, production)
    found: list[KeyMaterial] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        version, sep, text = line.partition("=")
        version = version.strip().removeprefix("RENCAI_KEY_")
        if not sep or not version.strip().isdigit():
            raise KeyConfigurationError(f"密钥文件 {path} 第 {number} 行应为“版本号=算法套件:字段密钥:索引密钥”")
        found.append(parse_key(int(version), text, f"密钥文件 {path} 第 {number} 行"))
    return found


class EnvironmentKeyProvider:
    """Version 1 from ``RENCAI_FIELD_KEY``/``RENCAI_INDEX_KEY``, others from ``RENCAI_KEY_<n>``
    and from the file ``RENCAI_KEY_FILE``."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def load(self, var_dir: Path, production: bool) -> list[KeyMaterial]:
        env = self.environ
        found: list[KeyMaterial] = []
        if env.get("RENCAI_FIELD_KEY") and env.get("RENCAI_INDEX_KEY"):
            found.append(legacy_key(env["RENCAI_FIELD_KEY"], env["RENCAI_INDEX_KEY"]))
        for name, value in env.items():
            match = _VERSIONED.match(name)
            if match and value:
                found.append(parse_key(int(match.group(1)), value, name))
        if env.get("RENCAI_KEY_FILE"):
            found += read_key_file(Path(env["RENCAI_KEY_FILE"]), production)
        return found


def _provider(environ: Mapping[str, str]) -> KeyProvider:
    name = environ.get("RENCAI_KEY_PROVIDER", "")
    if not name:
        return EnvironmentKeyProvider(environ)
    module, _, attribute = name.partition(":")
    factory = getattr(importlib.import_module(module), attribute or "KeyProvider")
    provider: KeyProvider = factory()
    return provider


def _dev_file(var_dir: Path) -> tuple[Path, dict[str, str]]:
    path = var_dir / "dev-secrets.json"
    if path.exists():
        return path, json.loads(path.read_text())
    var_dir.mkdir(parents=True, exist_ok=True)
    stored = {
        "RENCAI_SECRET_KEY": secrets.token_urlsafe(50),
        "RENCAI_FIELD_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "RENCAI_INDEX_KEY": secrets.token_urlsafe(32),
    }
    _save_dev(path, stored)
    return path, stored


def _save_dev(path: Path, stored: dict[str, str]) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(json.dumps(stored, indent=2))
    path.chmod(0o600)


def _keyring(keys: list[KeyMaterial], suite: str, pinned: str) -> Keyring | None:
    by_version: dict[int, KeyMaterial] = {}
    for key in keys:
        if key.version in by_version and by_version[key.version] != key:
            raise KeyConfigurationError(f"密钥版本 {key.version} 配置了两次且内容不同")
        by_version[key.version] = key
    if pinned:
        if not pinned.isdigit() or int(pinned) not in by_version:
            raise KeyConfigurationError(f"RENCAI_KEY_VERSION={pinned} 没有对应的密钥")
        if by_version[int(pinned)].suite != suite:
            raise KeyConfigurationError(
                f"RENCAI_KEY_VERSION={pinned} 属于 {by_version[int(pinned)].suite}，与 RENCAI_CRYPTO={suite} 不符"
            )
        return Keyring(by_version, int(pinned))
    writable = [v for v, key in by_version.items() if key.suite == suite]
    if not writable:
        return None
    return Keyring(by_version, max(writable))


def load_secrets(var_dir: Path, production: bool, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The Django secret key (the development file's unless set); see :func:`load_keyring` for keys."""
    env = os.environ if environ is None else environ
    if env.get("RENCAI_SECRET_KEY"):
        return {"RENCAI_SECRET_KEY": env["RENCAI_SECRET_KEY"]}
    if production:
        raise KeyConfigurationError("生产环境缺少密钥环境变量：RENCAI_SECRET_KEY")
    _path, stored = _dev_file(var_dir)
    return {"RENCAI_SECRET_KEY": stored["RENCAI_SECRET_KEY"]}


def load_keyring(var_dir: Path, production: bool, environ: Mapping[str, str] | None = None) -> Keyring:
    """Every configured key and the writing one. Development adds the keys of
    ``var/dev-secrets.json`` (and generates one for a suite that has none yet)."""
    env = os.environ if environ is None else environ
    suite = env.get("RENCAI_CRYPTO", "") or "international"
    if suite not in SUITES:
        raise KeyConfigurationError(f"RENCAI_CRYPTO={suite} 不是支持的算法套件（{' 或 '.join(SUITES)}）")
    keys = _provider(env).load(var_dir, production)
    pinned = env.get("RENCAI_KEY_VERSION", "")
    if production:
        ring = _keyring(keys, suite, pinned)
        if ring is None:
            raise KeyConfigurationError(
                f"生产环境缺少 {suite} 套件的密钥：请设置 RENCAI_KEY_<版本号> 或 RENCAI_KEY_FILE"
                + ("（或 RENCAI_FIELD_KEY 与 RENCAI_INDEX_KEY）" if suite == "international" else "")
            )
        return ring
    path, stored = _dev_file(var_dir)
    configured = {key.version for key in keys}
    dev = [legacy_key(stored["RENCAI_FIELD_KEY"], stored["RENCAI_INDEX_KEY"])] if 1 not in configured else []
    for name, value in stored.items():
        match = _VERSIONED.match(name)
        if match and int(match.group(1)) not in configured:
            dev.append(parse_key(int(match.group(1)), value, f"{path} {name}"))
    ring = _keyring(keys + dev, suite, pinned)
    if ring is None:
        version = max([1, *configured, *(k.version for k in dev)]) + 1
        stored[f"RENCAI_KEY_{version}"] = format_key(generate_key(version, suite))
        _save_dev(path, stored)
        dev.append(parse_key(version, stored[f"RENCAI_KEY_{version}"], f"{path} RENCAI_KEY_{version}"))
        ring = _keyring(keys + dev, suite, pinned)
    assert ring is not None
    return ring
