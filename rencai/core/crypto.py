"""The two algorithm suites and their primitives, from the ``cryptography`` package (OpenSSL).

============== ====================== ============================ ==================
suite          personal fields        blind indexes                audit chain
============== ====================== ============================ ==================
international  AES-256-GCM            HMAC-SHA-256                 SHA-256
guomi          SM4-GCM (GB/T 32907)   HMAC-SM3 (GB/T 32905)        SM3
============== ====================== ============================ ==================

Both ciphers are authenticated (GCM: a 96-bit nonce, a 128-bit tag); a sealed value is
``nonce + ciphertext + tag``. The checkpoints of the audit chain are signed with the
suite's HMAC. Nothing here knows about the database: see ``rencai.core.personal`` for the
stored form and ``rencai.core.audit`` for the chain.
"""

from __future__ import annotations

import hashlib
import hmac as std_hmac
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12
TAG_BYTES = 16


@dataclass(frozen=True)
class Suite:
    name: str
    cipher: str
    index_mac: str
    chain_hash: str
    label: str


SUITES = {
    "international": Suite(
        "international", "AES-256-GCM", "HMAC-SHA-256", "sha256", "AES-GCM / HMAC-SHA-256 / SHA-256"
    ),
    "guomi": Suite("guomi", "SM4-GCM", "HMAC-SM3", "sm3", "SM4-GCM / HMAC-SM3 / SM3"),
}
#: The hash of each chain algorithm by name, as the audit log's switch entries write it.
CHAIN_HASHES = {"sha256": "SHA-256", "sm3": "SM3"}


def suite(name: str) -> Suite:
    return SUITES[name]


def current_suite() -> Suite:
    from django.conf import settings

    return SUITES[settings.RENCAI_KEYRING.current.suite]


# --- Ciphers -----------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _aesgcm(key: bytes) -> AESGCM:
    return AESGCM(key)


def seal(suite_name: str, key: bytes, plaintext: bytes, aad: bytes | None) -> bytes:
    """``nonce + ciphertext + tag`` under the suite's authenticated cipher."""
    nonce = os.urandom(NONCE_BYTES)
    if suite_name == "international":
        return nonce + _aesgcm(key).encrypt(nonce, plaintext, aad)
    if suite_name == "guomi":
        encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
        if aad:
            encryptor.authenticate_additional_data(aad)
        sealed = encryptor.update(plaintext) + encryptor.finalize()
        return nonce + sealed + encryptor.tag
    raise ValueError(f"unknown suite {suite_name}")


def open_sealed(suite_name: str, key: bytes, sealed: bytes, aad: bytes | None) -> bytes:
    """The plaintext of :func:`seal`'s output; ``cryptography.exceptions.InvalidTag`` when
    the value was changed or the key is not the one it was sealed with."""
    nonce, body = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
    if suite_name == "international":
        return _aesgcm(key).decrypt(nonce, body, aad)
    if suite_name == "guomi":
        if len(body) < TAG_BYTES:
            raise ValueError("sealed value too short")
        decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, body[-TAG_BYTES:])).decryptor()
        if aad:
            decryptor.authenticate_additional_data(aad)
        return decryptor.update(body[:-TAG_BYTES]) + decryptor.finalize()
    raise ValueError(f"unknown suite {suite_name}")


# --- Hashes and MACs ---------------------------------------------------------------------


def mac(suite_name: str, key: bytes, data: bytes) -> bytes:
    """HMAC-SHA-256 or HMAC-SM3."""
    if suite_name == "international":
        return std_hmac.new(key, data, hashlib.sha256).digest()
    if suite_name == "guomi":
        h = crypto_hmac.HMAC(key, hashes.SM3())
        h.update(data)
        return h.finalize()
    raise ValueError(f"unknown suite {suite_name}")


def digest(algorithm: str, data: bytes) -> str:
    """SHA-256 or SM3 of ``data``, in hex (the audit chain's hashes)."""
    if algorithm == "sha256":
        return hashlib.sha256(data).hexdigest()
    if algorithm == "sm3":
        h = hashes.Hash(hashes.SM3())
        h.update(data)
        return h.finalize().hex()
    raise ValueError(f"unknown hash {algorithm}")


def sm4_block(key: bytes, block: bytes) -> bytes:
    """One SM4 block (ECB), for checking the implementation against GB/T 32907's example."""
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()  # noqa: S305 - a known-answer test
    return encryptor.update(block) + encryptor.finalize()
