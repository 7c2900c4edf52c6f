"""Institutions as clerks name them: "工行济南分行" or "中国工商银行济南分行" for
"中国工商银行股份有限公司济南分行".

A name is compared in its :func:`name_key`: simplified, half-width, without spaces, without
the company-form words (股份有限公司, 有限责任公司, 有限公司 …), with the usual bank
abbreviations (工行, 农行, 中行, 建行, 交行, 招行 …) written out and "中国" in front of a
bank's name dropped. A name matches an institution whose full name, short name, credit code
or one of its own aliases has the same key; failing that, the institution of the same bank
whose remaining name contains the rest of the clerk's, in order ("工商银行历下支行" for
"…济南历下支行"). Two or more such institutions are an ambiguity, reported with their names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext

from rencai.core.imports import cells

#: Company-form words that clerks leave out (longest first).
COMPANY_FORMS = ("股份有限公司", "有限责任公司", "股份公司", "有限公司")  # i18n: matched against Chinese names
#: The usual abbreviations of banks, written out.
BANK_ABBREVIATIONS = {  # i18n: matched against Chinese names
    "工行": "工商银行",
    "农行": "农业银行",
    "中行": "中国银行",
    "建行": "建设银行",
    "交行": "交通银行",
    "招行": "招商银行",
    "邮储银行": "邮政储蓄银行",
    "邮储": "邮政储蓄银行",
    "浦发银行": "上海浦东发展银行",
    "浦发": "上海浦东发展银行",
    "民生": "民生银行",
    "光大": "光大银行",
    "中信": "中信银行",
    "兴业": "兴业银行",
    "华夏": "华夏银行",
    "广发": "广发银行",
    "平安": "平安银行",
    "齐鲁": "齐鲁银行",
    "农商行": "农村商业银行",
    "农商银行": "农村商业银行",
}
_ABBREVIATION = re.compile("^(" + "|".join(sorted(map(re.escape, BANK_ABBREVIATIONS), key=len, reverse=True)) + ")")
#: Where the "brand" of a name ends: the first of these words (a bank, an insurer …).
#: "中国" before a bank's name is left out, except in 中国银行's own name.
_COUNTRY, _BANK_OF_CHINA = "中国", "中国银行"  # i18n: matched against Chinese names
_BRAND_END = re.compile(r"银行|保险|证券|期货|信托|基金|公司")  # i18n: matched against Chinese names


def name_key(name: str) -> str:
    """The form in which institution names are compared (see the module docstring)."""
    key = cells.lookup_key(name).replace("(", "").replace(")", "")
    for word in COMPANY_FORMS:
        key = key.replace(word, "")
    found = _ABBREVIATION.match(key)
    if found and not key.startswith(BANK_ABBREVIATIONS[found.group(1)]):
        key = BANK_ABBREVIATIONS[found.group(1)] + key[found.end() :]
    if key.startswith(_COUNTRY) and len(key) > 4 and not key.startswith(_BANK_OF_CHINA):
        key = key[2:]
    return key


def _split(key: str) -> tuple[str, str]:
    """(brand, rest): 工商银行 / 济南历下支行."""
    found = _BRAND_END.search(key)
    if found is None:
        return "", key
    return key[: found.end()], key[found.end() :]


def _in_order(part: str, whole: str) -> bool:
    """Every character of ``part`` in ``whole``, in order."""
    at = 0
    for char in part:
        at = whole.find(char, at) + 1
        if at == 0:
            return False
    return True


def alias_list(text: str) -> list[str]:
    """An institution's aliases as typed in its form: one a line (or separated by 、，;)."""
    return [a.strip() for a in re.split(r"[\n\r、，,;；]+", text or "") if a.strip()]


@dataclass
class OrganizationNames:
    """The institutions an import may name, found by what clerks write."""

    names: dict[int, str] = field(default_factory=dict)
    exact: dict[str, set[int]] = field(default_factory=dict)
    by_brand: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    @classmethod
    def of(cls, rows: Iterable[dict]) -> OrganizationNames:
        """From dicts with ``pk``, ``name``, ``short_name``, ``credit_code`` and ``aliases``."""
        found = cls()
        for row in rows:
            pk = row["pk"]
            found.names[pk] = row["name"]
            spellings = [row["name"], row.get("short_name") or "", *alias_list(row.get("aliases") or "")]
            for spelling in filter(None, spellings):
                found.exact.setdefault(name_key(spelling), set()).add(pk)
            if row.get("credit_code"):
                found.exact.setdefault(cells.lookup_key(row["credit_code"]), set()).add(pk)
            brand, rest = _split(name_key(row["name"]))
            if brand:
                found.by_brand.setdefault(brand, []).append((rest, pk))
        return found

    def find(self, text: str) -> list[int]:
        """The institutions ``text`` may mean: one, several (ambiguous) or none."""
        key = name_key(text)
        if key in self.exact:
            return sorted(self.exact[key])
        plain = cells.lookup_key(text)
        if plain in self.exact:
            return sorted(self.exact[plain])
        brand, rest = _split(key)
        if not brand or not rest:
            return []
        return sorted(pk for other_rest, pk in self.by_brand.get(brand, []) if _in_order(rest, other_rest))


def organization_normaliser(names: OrganizationNames, label: str) -> cells.Normaliser:
    """A cell naming an institution → its pk; ambiguous or unknown names are cell errors."""

    def normalise(raw: object) -> int:
        text = cells.clean_text(raw)
        found = names.find(text)
        if len(found) == 1:
            return found[0]
        if found:
            listed = "、".join(names.names[pk] for pk in found[:8]) + (gettext("等") if len(found) > 8 else "")
            message = gettext("“%(text)s”可能是以下%(count)s个机构之一，请填写全称：%(listed)s")
            raise cells.CellError("ambiguous", message % {"text": text, "count": len(found), "listed": listed})
        message = gettext("“%(text)s”不是可选的%(label)s：请填写机构全称、简称、别名或统一社会信用代码")
        raise cells.CellError("unknown_choice", message % {"text": text, "label": label})

    return normalise
