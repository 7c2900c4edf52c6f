"""The dictionaries a fresh install holds (人才类别、层级、百千万层次、梯队、职业资格 …): the
codes the document templates and service rules name (领军人才 LJ, 高端人才 GD, 英才 YC …).
``manage.py load_defaults`` adds whichever are missing; it never changes an existing entry."""

from rencai.talents.models import DictionaryEntry, DictionaryKind

#: kind → [(code, name, extra)], extra being the managing department of a tier or the
#: parent category code of a sub-category.
DEFAULT_DICTIONARIES = {
    DictionaryKind.CATEGORY: [
        ("DZ", "党政人才", ""),
        ("QY", "企业经营管理人才", ""),
        ("JR", "金融商务人才", ""),
        ("ZJ", "专业技术人才", ""),
        ("GJ", "高技能人才", ""),
        ("SG", "社会工作人才", ""),
        ("NC", "农村实用人才", ""),
    ],
    DictionaryKind.SUBCATEGORY: [
        ("JR-YH", "银行业人才", "JR"),
        ("JR-ZQ", "证券期货业人才", "JR"),
        ("JR-BX", "保险业人才", "JR"),
        ("JR-KJ", "金融科技人才", "JR"),
        ("JR-DF", "地方金融人才", "JR"),
        ("SG-SQ", "社区专职工作者", "SG"),
    ],
    DictionaryKind.TIER: [
        ("LJ", "领军人才", "财政、商务、金融等部门"),
        ("GD", "高端人才", "经信局、国资委等部门"),
        ("YC", "英才", "民营局、工商联等部门"),
    ],
    DictionaryKind.LEVEL: [("B", "百层次", ""), ("Q", "千层次", ""), ("W", "万层次", "")],
    DictionaryKind.ECHELON: [
        ("1", "领军", ""),
        ("2", "专家", ""),
        ("3", "骨干", ""),
        ("4", "标兵", ""),
        ("5", "能手", ""),
    ],
    DictionaryKind.QUALIFICATION: [
        ("CFA", "特许金融分析师（CFA）", ""),
        ("FRM", "金融风险管理师（FRM）", ""),
        ("CPA", "注册会计师（CPA）", ""),
        ("SPONSOR", "保荐代表人", ""),
        ("ACTUARY", "精算师", ""),
        ("ECON-M", "经济师（中级）", ""),
        ("ECON-S", "高级经济师", ""),
        ("FUND", "基金从业资格", ""),
        ("SEC", "证券从业资格", ""),
        ("BANK", "银行业专业人员职业资格", ""),
        ("LAW", "法律职业资格", ""),
    ],
    DictionaryKind.EDUCATION: [
        ("10", "博士研究生", ""),
        ("20", "硕士研究生", ""),
        ("30", "大学本科", ""),
        ("40", "大学专科", ""),
        ("50", "中专及以下", ""),
    ],
    DictionaryKind.DEGREE: [("2", "博士", ""), ("3", "硕士", ""), ("4", "学士", ""), ("9", "无", "")],
    DictionaryKind.TITLE: [
        ("ECON-Z", "正高级经济师", ""),
        ("ECON-G", "高级经济师", ""),
        ("ECON", "经济师", ""),
        ("ECON-A", "助理经济师", ""),
        ("ACC-G", "高级会计师", ""),
        ("ACC", "会计师", ""),
        ("ENG-G", "高级工程师", ""),
        ("ENG", "工程师", ""),
        # The national series from 初级 to 正高级 (issue 22): 会计, 审计, 统计, 工程, 金融.
        ("ACC-Z", "正高级会计师", ""),
        ("ACC-A", "助理会计师", ""),
        ("AUD-Z", "正高级审计师", ""),
        ("AUD-G", "高级审计师", ""),
        ("AUD", "审计师", ""),
        ("AUD-A", "助理审计师", ""),
        ("STA-Z", "正高级统计师", ""),
        ("STA-G", "高级统计师", ""),
        ("STA", "统计师", ""),
        ("STA-A", "助理统计师", ""),
        ("ENG-Z", "正高级工程师", ""),
        ("ENG-A", "助理工程师", ""),
        ("FIN-Z", "正高级经济师（金融）", ""),
        ("FIN-G", "高级经济师（金融）", ""),
        ("FIN", "经济师（金融）", ""),
        ("FIN-A", "助理经济师（金融）", ""),
    ],
}

#: What clerks write for an entry, as its default synonyms (kind, code) → 、-separated.
DEFAULT_SYNONYMS = {
    (DictionaryKind.EDUCATION, "10"): "博士、博士研究生毕业",
    (DictionaryKind.EDUCATION, "20"): "硕士、研究生、硕士研究生毕业、研究生毕业",
    (DictionaryKind.EDUCATION, "30"): "本科、大本、大学、本科毕业",
    (DictionaryKind.EDUCATION, "40"): "大专、专科、大学专科毕业",
    (DictionaryKind.EDUCATION, "50"): "中专、高中、中专及以下学历",
}
for _code, _series in (("ECON", "经济师"), ("ACC", "会计师"), ("AUD", "审计师"), ("STA", "统计师"), ("ENG", "工程师")):
    DEFAULT_SYNONYMS[(DictionaryKind.TITLE, f"{_code}-A")] = f"初级{_series}、初级"
    DEFAULT_SYNONYMS[(DictionaryKind.TITLE, _code)] = f"中级{_series}"
    DEFAULT_SYNONYMS[(DictionaryKind.TITLE, f"{_code}-G")] = f"副高级{_series}、副高{_series}"
    DEFAULT_SYNONYMS[(DictionaryKind.TITLE, f"{_code}-Z")] = f"正高{_series}"
DEFAULT_SYNONYMS[(DictionaryKind.TITLE, "FIN-A")] = "初级经济师（金融）、助理经济师(金融)"
DEFAULT_SYNONYMS[(DictionaryKind.TITLE, "FIN")] = "中级经济师（金融）、经济师(金融)、中级金融经济师、金融经济师"
DEFAULT_SYNONYMS[(DictionaryKind.TITLE, "FIN-G")] = "副高级经济师（金融）、高级经济师(金融)、高级金融经济师"
DEFAULT_SYNONYMS[(DictionaryKind.TITLE, "FIN-Z")] = "正高级经济师(金融)、正高级金融经济师"


def load_defaults() -> int:
    """Create the default entries that are missing (each save audited); returns how many."""
    existing = {(k, c): pk for pk, k, c in DictionaryEntry.objects.values_list("pk", "kind", "code")}
    created = 0
    for kind, rows in DEFAULT_DICTIONARIES.items():
        for order, (code, name, extra) in enumerate(rows, start=1):
            if (kind, code) in existing:
                continue
            entry = DictionaryEntry(
                kind=kind, code=code, name=name, order=order, synonyms=DEFAULT_SYNONYMS.get((kind, code), "")
            )
            if kind == DictionaryKind.TIER:
                entry.managing_department = extra
            if kind == DictionaryKind.SUBCATEGORY:
                entry.parent_id = existing.get((DictionaryKind.CATEGORY, extra))
            entry.save()
            existing[(kind, code)] = entry.pk
            created += 1
    return created
