"""Demo organisations of a city (济南): the office and ~30 institutions with branches."""

from rencai.core.chinese import credit_code_check_char
from rencai.orgs.models import Department, Organization, Region

CITY_REGIONS = [
    ("370102", "历下区"),
    ("370103", "市中区"),
    ("370104", "槐荫区"),
    ("370105", "天桥区"),
    ("370112", "历城区"),
    ("370113", "长清区"),
    ("370114", "章丘区"),
]

OFFICE = "济南市地方金融监督管理局（市金融工作办公室）"

#: (name, short name, kind, region code, branches as (name, region code))
INSTITUTIONS = [
    (OFFICE, "市金融办", "government", "370102", []),
    (
        "中国工商银行股份有限公司济南分行",
        "工行济南分行",
        "bank",
        "370102",
        [("中国工商银行股份有限公司济南历下支行", "370102"), ("中国工商银行股份有限公司济南市中支行", "370103")],
    ),
    (
        "中国农业银行股份有限公司济南分行",
        "农行济南分行",
        "bank",
        "370103",
        [("中国农业银行股份有限公司济南槐荫支行", "370104")],
    ),
    ("中国银行股份有限公司济南分行", "中行济南分行", "bank", "370102", []),
    (
        "中国建设银行股份有限公司济南分行",
        "建行济南分行",
        "bank",
        "370103",
        [("中国建设银行股份有限公司济南天桥支行", "370105")],
    ),
    ("交通银行股份有限公司济南分行", "交行济南分行", "bank", "370102", []),
    ("招商银行股份有限公司济南分行", "招行济南分行", "bank", "370102", []),
    (
        "齐鲁银行股份有限公司",
        "齐鲁银行",
        "bank",
        "370102",
        [("齐鲁银行股份有限公司历城支行", "370112"), ("齐鲁银行股份有限公司章丘支行", "370114")],
    ),
    (
        "济南农村商业银行股份有限公司",
        "济南农商银行",
        "bank",
        "370103",
        [("济南农村商业银行股份有限公司长清支行", "370113")],
    ),
    ("恒丰银行股份有限公司济南分行", "恒丰银行济南分行", "bank", "370102", []),
    (
        "中泰证券股份有限公司",
        "中泰证券",
        "securities",
        "370103",
        [("中泰证券股份有限公司济南经七路证券营业部", "370103")],
    ),
    ("国泰君安证券股份有限公司济南分公司", "国泰君安济南分公司", "securities", "370102", []),
    ("华泰证券股份有限公司济南分公司", "华泰证券济南分公司", "securities", "370102", []),
    ("鲁证期货股份有限公司", "鲁证期货", "futures", "370103", []),
    ("中信期货有限公司济南营业部", "中信期货济南营业部", "futures", "370102", []),
    (
        "中国人民财产保险股份有限公司济南市分公司",
        "人保财险济南分公司",
        "insurance",
        "370102",
        [("中国人民财产保险股份有限公司济南市历下支公司", "370102")],
    ),
    ("中国人寿保险股份有限公司济南分公司", "国寿济南分公司", "insurance", "370103", []),
    ("泰山财产保险股份有限公司", "泰山保险", "insurance", "370102", []),
    ("中国平安人寿保险股份有限公司济南中心支公司", "平安人寿济南中支", "insurance", "370104", []),
    ("济南金科数据科技有限公司", "金科数据", "fintech", "370112", []),
    ("齐鲁数字金融科技有限公司", "齐鲁数金", "fintech", "370102", []),
    ("济南市历下区鑫源小额贷款有限公司", "鑫源小贷", "local_financial", "370102", []),
    ("济南市市中区融资担保有限公司", "市中担保", "local_financial", "370103", []),
    ("济南泉城融资租赁有限公司", "泉城租赁", "local_financial", "370105", []),
    ("山东财经大学", "山财大", "university", "370102", []),
    ("济南大学", "济南大学", "university", "370103", []),
    ("济南市银行业协会", "市银行业协会", "association", "370102", []),
    ("济南市保险行业协会", "市保险行业协会", "association", "370102", []),
    ("济南市金融学会", "市金融学会", "association", "370102", []),
    ("济南产业发展投资集团有限公司", "济南产发集团", "enterprise", "370112", []),
    ("历下区泉城路街道金融服务站", "泉城路金融服务站", "community", "370102", []),
]

DEPARTMENTS = {
    OFFICE: ["办公室", "人才工作处", "银行保险处", "证券期货处", "地方金融处"],
    "中国工商银行股份有限公司济南分行": ["人力资源部", "公司金融业务部", "风险管理部"],
    "齐鲁银行股份有限公司": ["人力资源部", "金融市场部"],
    "中泰证券股份有限公司": ["人力资源部", "投资银行部"],
}


def demo_credit_code(index: int, government: bool) -> str:
    prefix = "11370100" if government else "91370100"
    first17 = f"{prefix}MA3{index:06d}"
    return first17 + credit_code_check_char(first17)


def _upsert(name: str, **values) -> Organization:
    org = Organization.objects.filter(name=name).first()
    if org is None:
        org = Organization(name=name)
    changed = org.pk is None or any(getattr(org, k) != v for k, v in values.items())
    for key, value in values.items():
        setattr(org, key, value)
    if changed:
        org.save()
    return org


def load(stdout) -> None:
    regions = {
        code: Region.objects.update_or_create(code=code, defaults={"name": name})[0] for code, name in CITY_REGIONS
    }
    index = 0
    for name, short, kind, region, branches in INSTITUTIONS:
        index += 1
        head = _upsert(
            name,
            short_name=short,
            kind=kind,
            region=regions[region],
            parent=None,
            credit_code=demo_credit_code(index, kind == "government"),
        )
        for branch_name, branch_region in branches:
            index += 1
            _upsert(
                branch_name,
                short_name="",
                kind=kind,
                region=regions[branch_region],
                parent=head,
                credit_code=demo_credit_code(index, False),
            )
    for org_name, names in DEPARTMENTS.items():
        org = Organization.objects.get(name=org_name)
        for order, dept in enumerate(names):
            Department.objects.get_or_create(organization=org, name=dept, defaults={"order": order})
    stdout.write(f"机构：{Organization.objects.count()} 家（含分支机构），部门：{Department.objects.count()} 个")
