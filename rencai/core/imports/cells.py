"""Turning one spreadsheet cell into a Python value, the way clerks actually fill them in.

Each column gets one normaliser, built once per import; it takes the raw cell (a string,
number, date or empty) and returns the value for the model field, or raises
:class:`CellError` with a stable code and a Chinese message. Normalisers that map text to
a choice or a related row cache what they have seen, because a roster repeats the same
few values 100,000 times.
"""

import math
import re
from collections.abc import Callable
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from rencai.core.chinese import (
    ChineseValueError,
    parse_chinese_date,
    to_halfwidth,
    to_simplified,
    validate_id_number,
    validate_mobile,
)

Normaliser = Callable[[object], object]

_SPACES = re.compile(r"\s+")
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")
_EMPTY_MARKS = frozenset({"", "-", "--", "—", "/", "无", "空"})  # i18n: matched against the clerk's Chinese workbook
_TRUE = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "有"})  # i18n: matched against the clerk's Chinese workbook
_FALSE = frozenset({"否", "n", "no", "false", "0", "×", "无"})  # i18n: matched against the clerk's Chinese workbook


class CellError(Exception):
    """A cell that cannot become a value: ``code`` for machines, ``message`` for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class MonthDate(date):
    """A date written as a month only (出生年月 1985.03): compared by year and month."""

    month_only = True


def is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def clean_text(raw: object) -> str:
    """Half-width, no stray spaces; whole numbers that Excel stored as floats lose ``.0``."""
    if raw is None:
        return ""
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() else repr(raw)
    if isinstance(raw, datetime):
        return raw.date().isoformat() if not (raw.hour or raw.minute or raw.second) else raw.isoformat(" ")
    if isinstance(raw, date):
        return raw.isoformat()
    return _SPACES.sub(" ", to_halfwidth(str(raw))).strip()


def text(max_length: int | None = None, squeeze_cjk: bool = False) -> Normaliser:
    """Plain text, stored as written (a cell beginning with ``=`` stays text)."""

    def normalise(raw: object) -> str:
        value = clean_text(raw)
        if squeeze_cjk:
            value = _CJK_GAP.sub("", value)
        if max_length and len(value) > max_length:
            raise CellError(
                "too_long",
                _("内容过长：最多 %(limit)s 个字，实际 %(length)s 个字") % {"limit": max_length, "length": len(value)},
            )
        return value

    return normalise


def id_number() -> Normaliser:
    def normalise(raw: object) -> str:
        if isinstance(raw, float | int) and not isinstance(raw, bool) and abs(raw) >= 1e14:
            raise CellError(
                "id_as_number",
                _("身份证号码被 Excel 存成了数字，末几位已丢失；请将该列设为“文本”格式后重新填写"),
            )
        try:
            return validate_id_number(clean_text(raw))
        except ChineseValueError as exc:
            raise CellError(exc.code, str(exc)) from exc

    return normalise


def mobile() -> Normaliser:
    def normalise(raw: object) -> str:
        try:
            return validate_mobile(clean_text(raw))
        except ChineseValueError as exc:
            raise CellError("mobile_invalid", str(exc)) from exc

    return normalise


def email(max_length: int | None = None) -> Normaliser:
    def normalise(raw: object) -> str:
        value = clean_text(raw).replace(" ", "").replace("＠", "@").lower()
        try:
            validate_email(value)
        except ValidationError as exc:
            raise CellError("email_invalid", _("电子邮箱格式不正确：%(value)s") % {"value": value}) from exc
        if max_length and len(value) > max_length:
            raise CellError("too_long", _("内容过长：最多 %(limit)s 个字符") % {"limit": max_length})
        return value

    return normalise


def _float_month(raw: float) -> date:
    """1985.03 typed into a number cell arrives as 1985.03; 1985.1 is January or October."""
    year = int(raw)
    digits = f"{raw:.2f}".split(".")[1]
    if digits == "10":
        raise CellError(
            "date_invalid",
            _("“%(value)s”可能是%(year)s年1月或10月，请写作 %(year)s-01 或 %(year)s-10") % {"value": raw, "year": year},
        )
    month = int(digits[0]) if digits[1] == "0" else int(digits)
    if not 1 <= month <= 12:
        raise CellError("date_invalid", _("无法识别的日期“%(value)s”，请写作 1985-03-07 或 1985年3月") % {"value": raw})
    return MonthDate(year, month, 1)


def date_value(allow_month: bool = False) -> Normaliser:
    """Dates in every common Chinese form, Excel date cells and serial numbers."""

    def normalise(raw: object) -> date:
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, float) and allow_month and 1900 <= raw < 2200 and not raw.is_integer():
            return _float_month(raw)
        if isinstance(raw, int | float) and not isinstance(raw, bool) and 1900 <= raw < 2200:
            raise CellError(
                "date_invalid",
                _("“%(value)s”只有年份，请写出月份，如 %(year)s-01") % {"value": clean_text(raw), "year": int(raw)},
            )
        if isinstance(raw, int | float) and not isinstance(raw, bool) and 19000101 <= raw <= 22001231:
            # 19950723 typed into a number cell: eight digits, not an Excel serial.
            raw = str(int(raw)) if float(raw).is_integer() else clean_text(raw)
        text_value = raw if isinstance(raw, date | int | float) else clean_text(raw)
        try:
            parsed = parse_chinese_date(text_value)
        except ChineseValueError as exc:
            if not allow_month:
                raise CellError("date_invalid", str(exc)) from exc
            try:
                parsed = parse_chinese_date(text_value, allow_month=True)
            except ChineseValueError as month_exc:
                raise CellError("date_invalid", str(month_exc)) from month_exc
            return MonthDate(parsed.year, parsed.month, 1)
        if not 1900 <= parsed.year <= 2200:
            raise CellError("date_invalid", _("日期超出范围：%(date)s") % {"date": parsed.isoformat()})
        return parsed

    return normalise


def integer() -> Normaliser:
    def normalise(raw: object) -> int:
        if isinstance(raw, float) and raw.is_integer() or isinstance(raw, int) and not isinstance(raw, bool):
            return int(raw)
        value = clean_text(raw).replace(",", "")
        if re.fullmatch(r"-?\d+", value):
            return int(value)
        raise CellError("number_invalid", _("应为整数：%(value)s") % {"value": value})

    return normalise


def decimal_number() -> Normaliser:
    def normalise(raw: object) -> float:
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            if math.isnan(raw):
                raise CellError("number_invalid", _("应为数字"))
            return raw
        value = clean_text(raw).replace(",", "")
        try:
            return float(value)
        except ValueError as exc:
            raise CellError("number_invalid", _("应为数字：%(value)s") % {"value": value}) from exc

    return normalise


def boolean() -> Normaliser:
    def normalise(raw: object) -> bool:
        if isinstance(raw, bool):
            return raw
        value = clean_text(raw).lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise CellError("unknown_choice", _("应填“是”或“否”：%(value)s") % {"value": value})

    return normalise


def lookup_key(value: str) -> str:
    """The form in which a choice is compared: simplified, half-width, no spaces, no case."""
    return to_simplified(clean_text(value)).replace(" ", "").lower()


def choice(options: dict[str, object], label: str, shown: list[str]) -> Normaliser:
    """Maps the text of a cell to one of ``options`` (keys already :func:`lookup_key`-ed).

    ``shown`` is what the error message offers when the text matches nothing.
    """
    seen: dict[object, object] = {}

    def normalise(raw: object) -> object:
        if raw in seen:
            return seen[raw]
        key = lookup_key(raw if isinstance(raw, str) else clean_text(raw))
        if key not in options:
            offered = "、".join(shown[:12])
            if len(shown) > 12:
                offered = _("%(values)s等") % {"values": offered}
            raise CellError(
                "unknown_choice",
                _("“%(value)s”不是可选的%(label)s；可选：%(offered)s")
                % {"value": clean_text(raw), "label": label, "offered": offered},
            )
        seen[raw] = options[key]
        return options[key]

    return normalise


def is_empty_mark(raw: object) -> bool:
    """Blank, or the dash / 无 that clerks put in cells that have nothing."""
    if raw is None:
        return True
    if not isinstance(raw, str):
        return False
    stripped = raw.strip()
    return not stripped or (len(stripped) <= 2 and clean_text(stripped) in _EMPTY_MARKS)


#: What :func:`memoised` gives for a blank cell or a dash / 无.
EMPTY = object()


def memoised(normalise: Normaliser, limit: int = 4096) -> Normaliser:
    """``normalise`` with the empty check in front, remembered per distinct raw value (a
    roster repeats units, departments, dictionary entries and dates): returns
    :data:`EMPTY` for an empty mark; a cell error is remembered and raised again. At most
    ``limit`` values are kept (then it starts afresh), so unique columns cost little."""
    seen: dict[object, tuple[bool, object]] = {}

    def cell(raw: object) -> object:
        key = raw if raw.__class__ is str else (raw.__class__, raw)
        found = seen.get(key)
        if found is None:
            if is_empty_mark(raw):
                found = (True, EMPTY)
            else:
                try:
                    found = (True, normalise(raw))
                except CellError as exc:
                    found = (False, (exc.code, exc.message))
            if len(seen) >= limit:
                seen.clear()
            seen[key] = found
        ok, value = found
        if ok:
            return value
        failure: tuple[str, str] = value  # type: ignore[assignment]
        raise CellError(*failure)

    return cell
