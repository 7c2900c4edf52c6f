"""Shared fixtures: two institutions (one with a branch) and a user of every role."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.test import Client, override_settings

from rencai.accounts.models import User
from rencai.core.chinese import credit_code_check_char, id_check_digit
from rencai.core.roles import Role
from rencai.orgs.models import Organization, Region
from rencai.talents.models import DictionaryEntry, Talent

PASSWORD = "Strong#Pass1"


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 at its smallest cost, for the tests only.

    The production cost (0.2 s a hash) spent on every fixture user was a quarter of the
    suite's time. These hashes are still ``argon2`` hashes that carry their own cost, so a
    server started by a test with the production settings verifies them as they are.
    """

    time_cost = 1
    memory_cost = 8
    parallelism = 1


@pytest.fixture(scope="session", autouse=True)
def _quick_password_hashing():
    with override_settings(PASSWORD_HASHERS=["rencai.conftest.QuickArgon2PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _audit_checkpoints(settings, tmp_path_factory):
    """Each test anchors its audit chain in its own directory (the database is new per test)."""
    settings.RENCAI_AUDIT_CHECKPOINT_DIR = tmp_path_factory.mktemp("audit-checkpoints")


@pytest.fixture(scope="session", autouse=True)
def _files_of_its_own(tmp_path_factory):
    """Each test process keeps its uploads and its imports' progress in directories of its
    own: the suite runs in several processes at once (pytest-xdist), each with its own
    database, whose ids would otherwise name the same files in ``var/``. Session-wide, as
    the data a module sets up once (the demo of the API fuzzer) has its files there."""
    from django.conf import settings

    caches = {name: dict(config) for name, config in settings.CACHES.items()}
    caches["imports"]["LOCATION"] = str(tmp_path_factory.mktemp("import-state"))
    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media")), CACHES=caches):
        yield


@pytest.fixture(scope="session", autouse=True)
def _flush_past_the_audit_truncate_trigger():
    """The audit table refuses TRUNCATE on PostgreSQL; the test runner's flush (transactional
    tests) is the one TRUNCATE allowed, as the superuser it runs as, by disabling triggers
    for its own transaction."""
    try:
        from django.db.backends.postgresql.operations import DatabaseOperations
    except ImportError:  # pragma: no cover - psycopg not installed
        yield
        return
    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        return original(self, ["SET LOCAL session_replication_role = replica", *sql_list])

    DatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    DatabaseOperations.execute_sql_flush = original


def valid_credit_code(serial: int) -> str:
    first17 = f"91370100MA3{serial:06d}"
    return first17 + credit_code_check_char(first17)


def valid_id_number(born: str = "19880707", serial: int = 1, area: str = "370102") -> str:
    """A valid 18-digit ID; ``serial`` odd for a man, even for a woman."""
    first17 = f"{area}{born}{serial:03d}"
    return first17 + id_check_digit(first17)


def many_talents(count: int, organization: Organization, category: DictionaryEntry) -> None:
    """``count`` men named 人才0000 … in ``organization``, born a day apart from 1960-01-01
    (each a valid, distinct ID number), written in one bulk insert."""
    born = date(1960, 1, 1)
    talents = []
    for number in range(count):
        talent = Talent(
            name=f"人才{number:04d}",
            organization=organization,
            category=category,
            id_number=valid_id_number(f"{born + timedelta(days=number):%Y%m%d}", 1),
            gender="M",
        )
        talent.derive_names()
        talents.append(talent)
    Talent.objects.bulk_create(talents, batch_size=1000)


@pytest.fixture
def region(db):
    return Region.objects.create(code="370102", name="历下区")


@pytest.fixture
def office_org(db, region):
    return Organization.objects.create(name="测试市金融工作办公室", kind="government", region=region)


@pytest.fixture
def bank(db, region):
    return Organization.objects.create(
        name="甲银行济南分行", kind="bank", region=region, credit_code=valid_credit_code(1)
    )


@pytest.fixture
def bank_branch(db, bank, region):
    return Organization.objects.create(name="甲银行历下支行", kind="bank", parent=bank, region=region)


@pytest.fixture
def other_bank(db, region):
    return Organization.objects.create(
        name="乙银行济南分行", kind="bank", region=region, credit_code=valid_credit_code(2)
    )


def make_user(username: str, role: str, organization: Organization, **extra) -> User:
    full_name = extra.pop("full_name_override", username)
    user = User(username=username, full_name=full_name, role=role, organization=organization, **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def users(db, office_org, bank, bank_branch, other_bank):
    return {
        "office": make_user("office", Role.OFFICE, office_org),
        "leader": make_user("leader", Role.LEADER, office_org),
        "liaison": make_user("liaison", Role.LIAISON, bank),
        "other_liaison": make_user("other_liaison", Role.LIAISON, other_bank, full_name_override="乙行联络员"),
        "reviewer": make_user("reviewer", Role.REVIEWER, office_org),
        "talent": make_user("talent", Role.TALENT, bank_branch, mobile="13800138000", id_number="370102199001011231"),
        "sysadmin": make_user("sysadmin", Role.SYSADMIN, office_org),
        "secadmin": make_user("secadmin", Role.SECADMIN, office_org),
        "auditor": make_user("auditor", Role.AUDITOR, office_org),
    }


def verified_client(user: User) -> Client:
    """A logged-in client; administrators also pass a real TOTP check."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    if user.needs_second_factor:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        token = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
        response = client.post("/accounts/otp/", {"token": token, "next": "/"})
        assert response.status_code == 302, response.content
    return client


@pytest.fixture
def client_for(users):
    cache: dict[str, Client] = {}

    def get(name: str) -> Client:
        if name not in cache:
            cache[name] = verified_client(users[name])
        return cache[name]

    return get


@pytest.fixture
def dicts(db) -> dict[str, DictionaryEntry]:
    rows = [
        ("category", "JR", "金融商务人才"),
        ("category", "ZJ", "专业技术人才"),
        ("tier", "LJ", "领军人才"),
        ("tier", "YC", "英才"),
        ("level", "B", "百层次"),
        ("level", "Q", "千层次"),
        ("level", "W", "万层次"),
        ("qualification", "CFA", "特许金融分析师（CFA）"),
        ("qualification", "FRM", "金融风险管理师（FRM）"),
    ]
    return {code: DictionaryEntry.objects.create(kind=kind, code=code, name=name) for kind, code, name in rows}


@pytest.fixture
def make_talent(dicts):
    serials = iter(range(1, 999, 2))

    def make(name: str, organization, born: str = "19880707", **extra) -> Talent:
        extra.setdefault("category", dicts["JR"])
        talent = Talent(name=name, organization=organization, id_number=valid_id_number(born, next(serials)), **extra)
        talent.full_clean()
        talent.save()
        return talent

    return make


# --- selections and reviews ------------------------------------------------------------


@pytest.fixture
def rubric(db):
    from decimal import Decimal

    from rencai.evaluation.models import Criterion, Rubric

    rubric = Rubric.objects.create(name="最强党支部评分细则")
    for order, name in enumerate(["支部班子强", "运行机制强", "组织生活强", "党员队伍强", "作用发挥强"], start=1):
        Criterion.objects.create(rubric=rubric, order=order, name=name, max_score=Decimal(20))
    return rubric


@pytest.fixture
def experts(db, make_talent, region, bank_branch):
    """A city think tank of eight experts, each with a reviewer account: five at a
    university, one at 甲银行's branch (recused for 甲银行's applicants), two at a firm."""
    from datetime import date

    from rencai.talents.models import PoolKind, PoolMembership, TalentPool

    university = Organization.objects.create(name="测试财经大学", kind="university", region=region)
    firm = Organization.objects.create(name="测试会计师事务所", kind="enterprise", region=region)
    pool = TalentPool.objects.create(name="市金融专家智库", kind=PoolKind.THINK_TANK)
    homes = [university] * 5 + [bank_branch] + [firm] * 2
    talents = []
    for n, home in enumerate(homes, start=1):
        account = make_user(f"expert{n}", Role.REVIEWER, home, full_name_override=f"专家{n}")
        talent = make_talent(f"专家{n}", home, born="19700101", user=account)
        PoolMembership.objects.create(pool=pool, talent=talent, joined_on=date(2024, 1, 1), specialty="金融")
        talents.append(talent)
    return {"pool": pool, "talents": talents, "university": university, "firm": firm}
