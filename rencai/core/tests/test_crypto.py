"""Issue 26: algorithm suites (international / guomi), stored values naming their key,
key rotation without rewriting the audit chain, keys kept outside the database."""

import base64
import io
import json
import os
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from rencai.accounts.models import User
from rencai.core import audit, crypto, rotation
from rencai.core.models import AuditAction, AuditEntry
from rencai.core.personal import blind_index, bulk_opener, decrypt, encrypt, index_label, value_label
from rencai.orgs.models import Organization
from rencai.secrets import (
    EnvironmentKeyProvider,
    KeyConfigurationError,
    Keyring,
    format_key,
    generate_key,
    load_keyring,
)

# --- The standards' test vectors -----------------------------------------------------------


def test_sm3_of_abc_is_the_value_of_gb_t_32905():
    assert crypto.digest("sm3", b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    # the standard's second example: "abcd" sixteen times
    assert crypto.digest("sm3", b"abcd" * 16) == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"


def test_sm4_of_the_gb_t_32907_example():
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    assert crypto.sm4_block(key, key).hex() == "681edf34d206965e86b3e94f536e4246"


def test_hmac_sm3_is_the_hmac_construction_over_sm3():
    key, message = b"k" * 16, b"370102199001011231"
    block = 64
    padded = key.ljust(block, b"\0")
    inner = bytes.fromhex(crypto.digest("sm3", bytes(b ^ 0x36 for b in padded) + message))
    outer = crypto.digest("sm3", bytes(b ^ 0x5C for b in padded) + inner)
    assert crypto.mac("guomi", key, message).hex() == outer


@pytest.mark.parametrize("suite", ["international", "guomi"])
def test_each_cipher_is_authenticated(suite):
    key = generate_key(2, suite)
    sealed = key.seal("张三 13800138000".encode(), b"aad")
    assert key.open(sealed, b"aad").decode() == "张三 13800138000"
    tampered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(InvalidTag):
        key.open(tampered, b"aad")
    with pytest.raises(InvalidTag):
        key.open(sealed, b"other")


# --- Stored values name their suite and key -------------------------------------------------


@pytest.fixture
def guomi_ring(settings):
    """The test keys plus a guomi key 7 that writes."""
    base: Keyring = settings.RENCAI_KEYRING
    ring = Keyring({**base.keys, 7: generate_key(7, "guomi")}, 7)
    return base, ring


def test_values_name_their_suite_and_key_and_old_ones_stay_readable(settings, guomi_ring):
    base, ring = guomi_ring
    v1 = base.get(1)
    assert v1 is not None and v1.suite == "international"
    nonce = os.urandom(12)
    legacy = "v1:" + base64.b64encode(nonce + AESGCM(v1.field_key).encrypt(nonce, b"13800138000", None)).decode()
    assert decrypt(legacy) == "13800138000" and value_label(legacy) == "v1"
    international = encrypt("13800138000")
    assert international.startswith(f"{base.current.label}:")
    settings.RENCAI_KEYRING = ring
    sm4 = encrypt("13800138000")
    assert sm4.startswith("guomi.7:") and value_label(sm4) == "guomi.7"
    assert decrypt(sm4) == decrypt(international) == decrypt(legacy) == "13800138000"
    relabelled = f"{base.current.label}:" + sm4.split(":", 1)[1]
    with pytest.raises((InvalidTag, ValueError)):
        decrypt(relabelled)
    index = blind_index(" 13800138000 ")
    assert index.startswith("guomi.7:") and len(index) <= 64 and index_label(index) == "guomi.7"
    assert v1.mac(b"13800138000").hex() in index.candidates, "the index before suites is searched too"


def test_the_bulk_opener_reads_every_stored_form_as_decrypt_does(settings, guomi_ring):
    """An export's opener gives decrypt's text for each suite and the old form, many values
    under one key included, and refuses what decrypt refuses."""
    base, ring = guomi_ring
    v1 = base.get(1)
    assert v1 is not None
    nonce = os.urandom(12)
    legacy = "v1:" + base64.b64encode(nonce + AESGCM(v1.field_key).encrypt(nonce, b"13800138000", None)).decode()
    international = [encrypt(f"1380013800{i}") for i in range(3)]
    settings.RENCAI_KEYRING = ring
    sm4 = [encrypt(f"张三{i}") for i in range(3)]
    stored = [legacy, *international, *sm4, "", legacy]
    opened = bulk_opener()
    assert [opened(value) for value in stored] == [value and decrypt(value) for value in stored]
    assert opened(sm4[0]) == "张三0" and opened(international[2]) == "13800138002"
    relabelled = f"{base.current.label}:" + sm4[0].split(":", 1)[1]
    with pytest.raises(InvalidTag):
        opened(relabelled)
    for refused in ("plain text", "international.1x:abc"):
        with pytest.raises(ValueError, match="not an encrypted value"):
            opened(refused)
    settings.RENCAI_KEYRING = base
    with pytest.raises(ValueError, match="guomi.7"):
        bulk_opener()(sm4[0])


def test_a_value_under_a_key_that_is_not_configured_is_refused(settings, guomi_ring):
    _base, ring = guomi_ring
    settings.RENCAI_KEYRING = ring
    stored = encrypt("x")
    settings.RENCAI_KEYRING = _base
    with pytest.raises(ValueError, match="guomi.7"):
        decrypt(stored)


# --- Keys outside the database --------------------------------------------------------------


def test_keys_from_the_environment_and_a_private_file(tmp_path):
    key2, key3 = generate_key(2, "guomi"), generate_key(3, "international")
    path = tmp_path / "keys"
    path.write_text(f"# rencai keys\nRENCAI_KEY_3={format_key(key3)}\n")
    path.chmod(0o600)
    env = {
        "RENCAI_CRYPTO": "guomi",
        "RENCAI_KEY_2": format_key(key2),
        "RENCAI_KEY_FILE": str(path),
    }
    ring = load_keyring(tmp_path, production=True, environ=env)
    assert ring.current == key2 and ring.get(3) == key3 and ring.get(1) is None
    assert load_keyring(tmp_path, True, {**env, "RENCAI_CRYPTO": "international"}).current == key3


def test_production_refuses_a_key_file_others_may_read_and_a_missing_suite_key(tmp_path):
    path = tmp_path / "keys"
    path.write_text(f"2={format_key(generate_key(2, 'guomi'))}\n")
    path.chmod(0o640)
    env = {"RENCAI_CRYPTO": "guomi", "RENCAI_KEY_FILE": str(path)}
    with pytest.raises(KeyConfigurationError, match="chmod 600"):
        load_keyring(tmp_path, production=True, environ=env)
    assert load_keyring(tmp_path, production=False, environ=env).current.suite == "guomi"
    with pytest.raises(KeyConfigurationError, match="缺少 guomi 套件的密钥"):
        load_keyring(tmp_path, production=True, environ={"RENCAI_CRYPTO": "guomi"})
    with pytest.raises(KeyConfigurationError, match="16 字节"):
        EnvironmentKeyProvider({"RENCAI_KEY_4": "guomi:" + "A" * 43 + ":" + "B" * 43}).load(tmp_path, True)
    with pytest.raises(KeyConfigurationError, match="不是支持的算法套件"):
        load_keyring(tmp_path, production=False, environ={"RENCAI_CRYPTO": "des"})


def test_development_generates_a_key_for_a_new_suite_once(tmp_path):
    ring = load_keyring(tmp_path, production=False, environ={"RENCAI_CRYPTO": "guomi"})
    assert ring.current.suite == "guomi" and ring.get(1) is not None
    assert oct((tmp_path / "dev-secrets.json").stat().st_mode & 0o777) == "0o600"
    again = load_keyring(tmp_path, production=False, environ={"RENCAI_CRYPTO": "guomi"})
    assert again.current == ring.current


def test_a_provider_plugs_in_by_name(tmp_path):
    env = {"RENCAI_KEY_PROVIDER": "rencai.core.tests.test_crypto:FixedProvider", "RENCAI_CRYPTO": "guomi"}
    assert load_keyring(tmp_path, production=True, environ=env).current.version == 9


class FixedProvider:
    def load(self, var_dir: Path, production: bool):
        return [generate_key(9, "guomi")]


# --- The audit chain: each part with its own algorithm --------------------------------------


def test_the_chain_switches_to_sm3_with_an_entry_and_verifies_part_by_part(db, settings, guomi_ring):
    _base, ring = guomi_ring
    for i in range(3):
        audit.record(AuditAction.EXPORT, object_type="test.thing", object_id=str(i))
    call_command("audit_checkpoint", stdout=StringIO())  # an HMAC-SHA-256 checkpoint
    settings.RENCAI_KEYRING = ring
    for i in range(3):
        audit.record(AuditAction.EXPORT, object_type="test.thing", object_id=str(i))
    switch = AuditEntry.objects.get(object_type=audit.CHAIN_OBJECT_TYPE)
    assert switch.seq == 4 and switch.changes["chain_hash"] == "sm3" and switch.action == AuditAction.KEYS
    last = AuditEntry.objects.order_by("-seq").first()
    assert last.hash == audit.compute_hash(last.prev_hash, last, "sm3") != audit.compute_hash(last.prev_hash, last)
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "共校验 7 条" in out.getvalue()
    assert "第 1–3 条：SHA-256" in out.getvalue() and "第 4–7 条：SM3" in out.getvalue()
    lines = (settings.RENCAI_AUDIT_CHECKPOINT_DIR / audit.CHECKPOINT_FILE).read_text().splitlines()
    assert "mac_alg" not in json.loads(lines[0]) and json.loads(lines[-1])["mac_alg"] == "hmac-sm3"
    assert "HMAC-SM3" in audit.daily_digest(last.created_at.date())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            cursor.execute("DROP TRIGGER core_auditentry_no_update")
        cursor.execute("UPDATE core_auditentry SET object_repr = 'x' WHERE seq = 6")
    with pytest.raises(CommandError, match="第 6 条.*SM3"):
        call_command("verify_audit", stdout=StringIO())


# --- Rotation ------------------------------------------------------------------------------


def _raw(user_id: int) -> tuple[str, str, str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT mobile, mobile_bidx, id_number, id_number_bidx FROM accounts_user WHERE id = %s", [user_id]
        )
        return cursor.fetchone()


def test_rotation_is_resumable_and_does_not_overwrite_a_newer_value(db, settings, guomi_ring):
    _base, ring = guomi_ring
    org = Organization.objects.create(name="轮换测试银行", kind="bank")
    users = [User.objects.create(username=f"u{i}", mobile=f"1380013{i:04d}", organization=org) for i in range(7)]
    settings.RENCAI_KEYRING = ring
    assert User.objects.by_mobile("13800130003").get() == users[3], "found under the old key before rotating"
    call_command("rotate_keys", "--batch-size", "2", "--max-batches", "2", stdout=StringIO())
    labels = [value_label(_raw(u.pk)[0]) for u in users]
    assert labels.count("guomi.7") == 4, labels
    assert User.objects.by_mobile("13800130006").get() == users[6], "a half-rotated table is searched whole"
    # a user saves a new number while the rotation holds the old row
    table = next(t for t in rotation.tables() if t.model is User)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, mobile, mobile_bidx, id_number, id_number_bidx FROM accounts_user WHERE id = %s", [users[6].pk]
        )
        stale = cursor.fetchone()
    cols = [c.attname for c in table.columns]
    stale = (stale[0], *(stale[1 + ["mobile", "mobile_bidx", "id_number", "id_number_bidx"].index(c)] for c in cols))
    fresh = User.objects.get(pk=users[6].pk)
    fresh.mobile = "13900139000"
    fresh.save()
    outcome = rotation.Outcome("guomi.7")
    with transaction.atomic():
        rotation._rotate_row(table, stale, "guomi.7", outcome)
    assert outcome.changed_meanwhile == 1 and outcome.rewritten == 0
    assert User.objects.get(pk=users[6].pk).mobile == "13900139000"
    out = StringIO()
    call_command("rotate_keys", stdout=out)
    assert "全部个人信息与盲索引已在 guomi.7 下" in out.getvalue()
    assert rotation.pending() == 0
    assert all(value_label(_raw(u.pk)[0]) == "guomi.7" and index_label(_raw(u.pk)[1]) == "guomi.7" for u in users)
    assert [User.objects.get(pk=u.pk).mobile for u in users[:6]] == [f"1380013{i:04d}" for i in range(6)]
    events = list(AuditEntry.objects.filter(object_type="core.keys").values_list("changes__event", flat=True))
    assert events.count("rotation_started") == 2 and "rotation_finished" in events
    call_command("verify_audit", stdout=StringIO())


texts = st.text(alphabet=st.characters(codec="utf-8", blacklist_characters="\x00"), max_size=40)


@pytest.mark.django_db
@hypothesis_settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.tuples(texts, texts), min_size=1, max_size=6),
    suites=st.tuples(st.sampled_from(["international", "guomi"]), st.sampled_from(["international", "guomi"])),
    batch=st.integers(min_value=1, max_value=4),
)
def test_rotating_random_data_twice_reads_it_back(rows, suites, batch):
    from django.conf import settings

    base: Keyring = settings.RENCAI_KEYRING
    first = Keyring({**base.keys, 11: generate_key(11, suites[0])}, 11)
    second = Keyring({**first.keys, 12: generate_key(12, suites[1])}, 12)
    with transaction.atomic():
        org = Organization.objects.create(name="轮换测试银行", kind="bank")
        created = [
            User.objects.create(username=f"h{i}", mobile=mobile, id_number=number, organization=org)
            for i, (mobile, number) in enumerate(rows)
        ]
        try:
            for ring in (first, second):
                settings.RENCAI_KEYRING = ring
                rotation.rotate(batch_size=batch)
                assert rotation.pending() == 0
            for user, (mobile, number) in zip(created, rows, strict=True):
                again = User.objects.get(pk=user.pk)
                assert (again.mobile, again.id_number) == (mobile, number)
                stored = _raw(user.pk)
                for value in stored:
                    assert not value or value.startswith("guomi.12:" if suites[1] == "guomi" else "international.12:")
                if mobile:
                    assert user.pk in set(
                        User.objects.filter(mobile_bidx=blind_index(mobile)).values_list("pk", flat=True)
                    )
            settings.RENCAI_KEYRING = Keyring({12: second.keys[12]}, 12)  # the old keys retired
            assert [User.objects.get(pk=u.pk).mobile for u in created] == [m for m, _n in rows]
        finally:
            settings.RENCAI_KEYRING = base
            transaction.set_rollback(True)


# --- The demo, rotated from international to guomi -----------------------------------------


def test_the_demo_rotated_to_guomi_still_searches_unmasks_exports_and_verifies(db, settings):
    from rencai.conftest import verified_client
    from rencai.talents.models import Talent

    call_command("seed_demo", stdout=StringIO())
    talent = Talent.objects.exclude(id_number_bidx="").exclude(mobile_bidx="").order_by("pk").first()
    number, mobile = talent.id_number, talent.mobile
    base: Keyring = settings.RENCAI_KEYRING
    settings.RENCAI_KEYRING = Keyring({**base.keys, 8: generate_key(8, "guomi")}, 8)
    out = StringIO()
    call_command("rotate_keys", "--batch-size", "400", stdout=out)
    assert rotation.pending() == 0, out.getvalue()
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, id_number_bidx FROM talents_talent WHERE id = %s", [talent.pk])
        stored, index = cursor.fetchone()
    assert stored.startswith("guomi.8:") and index.startswith("guomi.8:")
    settings.RENCAI_KEYRING = Keyring({8: settings.RENCAI_KEYRING.keys[8]}, 8)  # nothing needs the old key
    office = verified_client(User.objects.get(username="office"))
    response = office.get("/o/talents/", {"q": number})
    assert [obj.pk for obj, _cells in response.context["rows"]] == [talent.pk]
    assert Talent.objects.by_mobile(mobile).filter(pk=talent.pk).exists()
    shown = office.post(f"/o/talents/{talent.pk}/unmask/id_number/")
    assert shown.status_code == 200 and shown.content.decode() == number
    export = office.get("/o/talents/export/", {"q": number})
    cells = [c.value for row in openpyxl.load_workbook(io.BytesIO(export.getvalue())).active.iter_rows() for c in row]
    assert talent.name in cells and number not in cells
    verify = StringIO()
    call_command("verify_audit", stdout=verify)
    assert "SHA-256" in verify.getvalue() and "SM3" in verify.getvalue()
