"""Demo registry: the dictionaries, ~2,000 talents spread over the demo institutions, and
the pools of the seeds: 44 people in the first batch of three 专项人才库 (seed 000), three
batches of 97 市中英才 (seed 004) and a city expert think tank.

Deterministic (a fixed random seed) and loaded once: a second run changes nothing.
"""

import random
from datetime import date, timedelta

from django.utils import timezone

from rencai.accounts.models import User
from rencai.core.chinese import id_check_digit
from rencai.orgs.demo import OFFICE
from rencai.orgs.models import Organization
from rencai.talents.defaults import load_defaults
from rencai.talents.models import (
    DictionaryEntry,
    DictionaryKind,
    EntrySource,
    Honour,
    HonourLevel,
    PoliticalStatus,
    PoolBatch,
    PoolKind,
    PoolLevel,
    PoolMembership,
    Talent,
    TalentPool,
    TalentQualification,
)

TALENT_COUNT = 2000

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志远晓雯文博思宇浩然子涵欣怡梓萱一鸣嘉怡俊杰雨桐海燕春梅红梅玉兰立新振华德胜家豪宏伟晨阳佳琪雅琴"
POSITIONS = [
    "客户经理",
    "风险经理",
    "部门总经理",
    "副行长",
    "支行行长",
    "投资经理",
    "分析师",
    "精算主管",
    "理赔主管",
    "产品经理",
    "数据工程师",
    "合规经理",
    "人力资源经理",
    "营业部总经理",
    "信贷审批员",
    "柜员主管",
]
HONOURS = [
    ("最美青年金融工作者", HonourLevel.CITY, "济南市地方金融监督管理局"),
    ("业务标兵", HonourLevel.CITY, "济南市地方金融监督管理局"),
    ("业务能手", HonourLevel.CITY, "济南市地方金融监督管理局"),
    ("优秀金融人才", HonourLevel.CITY, "济南市地方金融监督管理局"),
    ("山东省五一劳动奖章", HonourLevel.PROVINCIAL, "山东省总工会"),
    ("全国金融系统先进个人", HonourLevel.NATIONAL, "中国金融工会"),
]
#: Weight of each institution kind in the registry (banks employ most).
KIND_WEIGHTS = {
    "bank": 10,
    "securities": 5,
    "futures": 2,
    "insurance": 6,
    "fintech": 3,
    "local_financial": 2,
    "university": 1,
    "association": 1,
    "enterprise": 1,
    "community": 1,
    "government": 1,
}
CATEGORY_BY_KIND = {"government": "DZ", "university": "ZJ", "community": "SG", "association": "SG"}
SUBCATEGORY_BY_KIND = {
    "bank": "JR-YH",
    "securities": "JR-ZQ",
    "futures": "JR-ZQ",
    "insurance": "JR-BX",
    "fintech": "JR-KJ",
    "local_financial": "JR-DF",
}
SPECIALTIES = ["银行信贷", "资本市场", "保险精算", "金融科技", "风险管理", "人力资源", "金融法律", "财务会计"]

#: Named people of the demo accounts, registered with their accounts linked.
LINKED = [("talent", "370102199001011231"), ("talent2", "370112199203150021")]


def load(stdout) -> None:
    if Talent.objects.exists():
        stdout.write("人才信息库演示数据已存在，跳过。")
        return
    entries = _load_dictionaries()
    rng = random.Random(2026)  # noqa: S311 - reproducible demo data, not a secret
    talents = _load_talents(rng, entries)
    _load_pools(rng, talents)
    stdout.write(f"人才信息库：{len(talents)} 名人才、{TalentPool.objects.count()} 个人才库。")


def _load_dictionaries() -> dict[tuple[str, str], DictionaryEntry]:
    """The default dictionaries (those a fresh install holds), by (kind, code)."""
    load_defaults()
    return {(e.kind, e.code): e for e in DictionaryEntry.objects.all()}


def _id_number(rng: random.Random, born: date, serial: int, male: bool) -> str:
    area = rng.choice(["370102", "370103", "370104", "370105", "370112", "370181", "370782", "371302"])
    sequence = serial % 1000 // 2 * 2 + (1 if male else 0)
    first17 = f"{area}{born:%Y%m%d}{sequence:03d}"
    return first17 + id_check_digit(first17)


def _pick_level(rng: random.Random) -> str | None:
    roll = rng.random()
    return "B" if roll < 0.02 else "Q" if roll < 0.12 else "W" if roll < 0.42 else None


def _pick_tier(rng: random.Random, age: int) -> str | None:
    roll = rng.random()
    if age >= 45 and roll < 0.08:
        return "LJ"
    if age >= 35 and roll < 0.25:
        return "GD"
    return "YC" if roll < 0.45 else None


def _load_talents(rng: random.Random, entries: dict) -> list[Talent]:
    institutions = list(Organization.objects.exclude(name=OFFICE))
    weights = [KIND_WEIGHTS.get(o.kind, 1) * (1 if o.parent_id is None else 0.5) for o in institutions]
    today = timezone.localdate()
    linked = dict(LINKED)
    talents = []
    for username, number in linked.items():
        user = User.objects.get(username=username)
        talents.append(_make_talent(rng, entries, user.organization, today, user.full_name, number, user=user))
    for serial in range(TALENT_COUNT - len(talents)):
        organization = rng.choices(institutions, weights)[0]
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        talents.append(_make_talent(rng, entries, organization, today, name, serial=serial))
    return talents


def _make_talent(rng, entries, organization, today, name, number="", serial=0, user=None) -> Talent:
    age = rng.choices([rng.randint(23, 35), rng.randint(36, 45), rng.randint(46, 58)], [5, 3, 2])[0]
    male = rng.random() < 0.52
    born = date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))
    number = number or _id_number(rng, born, serial, male)
    kind = organization.kind
    category = CATEGORY_BY_KIND.get(kind, "JR")
    education = rng.choices(["10", "20", "30", "40"], [3, 30, 60, 7])[0]
    level, tier = _pick_level(rng), _pick_tier(rng, age)
    talent = Talent(
        name=name,
        id_number=number,
        ethnicity=rng.choices(["汉族", "回族", "满族", "蒙古族"], [95, 3, 1, 1])[0],
        political_status=rng.choices(
            [PoliticalStatus.CPC, PoliticalStatus.CYL, PoliticalStatus.MASSES, PoliticalStatus.DEMOCRATIC_PARTY],
            [55, 15, 27, 3],
        )[0],
        education=entries[(DictionaryKind.EDUCATION, education)],
        degree=entries[(DictionaryKind.DEGREE, {"10": "2", "20": "3", "30": "4"}.get(education, "9"))],
        title=entries[(DictionaryKind.TITLE, rng.choice(["ECON-G", "ECON", "ECON", "ACC", "ENG"]))]
        if rng.random() < 0.55
        else None,
        mobile=f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}",
        email=f"t{serial:04d}@example.cn" if not user else f"{user.username}@example.cn",
        organization=organization,
        position=rng.choice(POSITIONS),
        work_start=date(min(born.year + 22 + rng.randint(0, 3), today.year - 1), rng.randint(1, 12), 1),
        category=entries[(DictionaryKind.CATEGORY, category)],
        subcategory=entries.get((DictionaryKind.SUBCATEGORY, SUBCATEGORY_BY_KIND.get(kind, "")))
        if category == "JR"
        else None,
        tier=entries[(DictionaryKind.TIER, tier)] if tier else None,
        level=entries[(DictionaryKind.LEVEL, level)] if level else None,
        echelon=entries[(DictionaryKind.ECHELON, rng.choice("12345"))] if tier or level else None,
        user=user,
    )
    talent.clean()  # generated values are valid; clean() fills birth date and gender from the ID
    talent.save()
    if rng.random() < 0.3:
        codes = rng.sample([e.code for k, e in entries.items() if k[0] == DictionaryKind.QUALIFICATION], 2)
        assert talent.work_start is not None  # every demo talent is given one
        for code in codes[: rng.choice((1, 1, 2))]:
            TalentQualification.objects.create(
                talent=talent,
                qualification=entries[(DictionaryKind.QUALIFICATION, code)],
                obtained_on=date(rng.randint(talent.work_start.year, today.year - 1), rng.randint(1, 12), 1),
            )
    if rng.random() < 0.07:
        honour, level, by = rng.choice(HONOURS)
        Honour.objects.create(
            talent=talent,
            name=honour,
            level=level,
            awarded_by=by,
            awarded_on=date(today.year - rng.randint(0, 4), 12, 20),
        )
    return talent


def _pool(name: str, kind: str, level: str, description: str) -> TalentPool:
    pool = TalentPool(name=name, kind=kind, level=level, description=description)
    pool.save()
    return pool


def _batch(pool: TalentPool, name: str, decided: date, number: str, years: int = 3) -> PoolBatch:
    start = decided + timedelta(days=10)
    end = start.replace(year=start.year + years) - timedelta(days=1)
    batch = PoolBatch(
        pool=pool, name=name, decision_date=decided, document_number=number, term_start=start, term_end=end
    )
    batch.save()
    return batch


def _enrol(batch: PoolBatch, talents: list[Talent], specialty=None, source=EntrySource.DECISION) -> None:
    for talent in talents:
        PoolMembership.objects.create(
            pool=batch.pool,
            batch=batch,
            talent=talent,
            specialty=specialty(talent) if specialty else "",
            source=source,
            source_detail=batch.document_number,
            joined_on=batch.term_start,
            term_end=batch.term_end,
        )


def _age(talent: Talent) -> int:
    age = talent.age()
    assert age is not None  # every demo talent is given a birth date
    return age


def _load_pools(rng: random.Random, talents: list[Talent]) -> None:
    today = timezone.localdate()
    senior = [t for t in talents if _age(t) >= 40 and t.title_id]
    young = [t for t in talents if _age(t) <= 35]
    decided = date(today.year - 1, 6, 18)
    plan = "“金融人才素质提升计划”"
    for name, kind, size, group in [
        ("管理咨询专项人才库", PoolKind.CONSULTING, 15, senior),
        ("培训讲师专项人才库", PoolKind.LECTURER, 14, senior),
        ("优秀学员专项人才库", PoolKind.TRAINEE, 15, young),
    ]:
        pool = _pool(name, kind, PoolLevel.CITY, f"{plan}专项人才库")
        batch = _batch(pool, "首批", decided, f"济金办发〔{decided.year}〕12号")
        _enrol(batch, rng.sample(group, size))
    tank = _pool("济南市金融专家智库", PoolKind.THINK_TANK, PoolLevel.CITY, "评审专家从本库随机抽取")
    batch = _batch(tank, "首批", date(today.year - 1, 3, 8), f"济金办发〔{today.year - 1}〕5号")
    _enrol(batch, rng.sample(senior, 40), specialty=lambda t: rng.choice(SPECIALTIES), source=EntrySource.NOMINATION)
    elite = _pool("市中英才", PoolKind.ELITE, PoolLevel.COUNTY, "以区委、区政府名义授予称号并给予工作津贴")
    chosen = rng.sample([t for t in talents if t.tier_id], 97)
    first_end = today + timedelta(days=45)
    first_decided = first_end.replace(year=first_end.year - 3) - timedelta(days=9)
    batches = [
        _batch(elite, "首批", first_decided, f"市中委发〔{first_decided.year}〕31号"),
        _batch(
            elite,
            "第二批",
            first_decided.replace(year=first_decided.year + 1),
            f"市中委发〔{first_decided.year + 1}〕28号",
        ),
        _batch(
            elite,
            "第三批",
            first_decided.replace(year=first_decided.year + 2),
            f"市中委发〔{first_decided.year + 2}〕30号",
        ),
    ]
    _enrol(batches[0], chosen[:30], source=EntrySource.SELECTION)
    _enrol(batches[1], chosen[30:62], source=EntrySource.SELECTION)
    _enrol(batches[2], chosen[62:], source=EntrySource.SELECTION)
