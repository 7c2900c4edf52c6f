"""Chinese helpers: ID numbers (GB 11643), credit codes (GB 32100), mobiles, dates,
full-width text, pinyin and 简繁 conversion."""

import re
from datetime import date, timedelta
from functools import lru_cache
from typing import Protocol

from pypinyin import lazy_pinyin

# --- GB 11643-1999 citizen identity numbers -------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


class ChineseValueError(ValueError):
    """A value that fails a Chinese national standard, with a message in Chinese and a
    stable machine ``code`` (as the import reports list them)."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code


def id_check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def upgrade_id_15_to_18(number: str) -> str:
    """Turn a first-generation 15-digit number into its 18-digit form (born 19xx)."""
    if not re.fullmatch(r"\d{15}", number):
        raise ChineseValueError("15位身份证号码应为15位数字", "id_format")
    first17 = number[:6] + "19" + number[6:]
    return first17 + id_check_digit(first17)


def normalize_id_number(value: str) -> str:
    """Half-width, upper-case X, no spaces; 15-digit numbers upgraded to 18."""
    number = to_halfwidth(value or "").replace(" ", "").upper()
    if len(number) == 15:
        number = upgrade_id_15_to_18(number)
    return number


def validate_id_number(value: str) -> str:
    """Return the normalised 18-digit number or raise ChineseValueError."""
    number = normalize_id_number(value)
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise ChineseValueError("身份证号码应为18位，前17位为数字，最后一位为数字或X", "id_format")
    try:
        id_birth_date(number)
    except ValueError as exc:
        raise ChineseValueError("身份证号码中的出生日期无效", "id_birth_invalid") from exc
    if id_check_digit(number[:17]) != number[17]:
        raise ChineseValueError("身份证号码校验位错误，请核对", "id_checksum")
    return number


def id_birth_date(number: str) -> date:
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def id_gender(number: str) -> str:
    """'M' when the 17th digit is odd, 'F' when even."""
    return "M" if int(number[16]) % 2 else "F"


# --- GB 32100-2015 unified social credit codes ----------------------------------------

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> str:
    """Return the normalised code or raise ChineseValueError."""
    code = to_halfwidth(value or "").replace(" ", "").upper()
    if len(code) != 18:
        raise ChineseValueError("统一社会信用代码应为18位", "credit_code_invalid")
    if any(c not in _USCC_ALPHABET for c in code):
        raise ChineseValueError("统一社会信用代码含有不允许的字符（不使用I、O、Z、S、V）", "credit_code_invalid")
    if credit_code_check_char(code[:17]) != code[17]:
        raise ChineseValueError("统一社会信用代码校验位错误，请核对", "credit_code_invalid")
    return code


# --- Mobile numbers -------------------------------------------------------------------


def validate_mobile(value: str) -> str:
    """Return an 11-digit mainland mobile number, stripping +86 / 0086 and separators."""
    number = re.sub(r"[\s\-()]", "", to_halfwidth(value or ""))
    number = re.sub(r"^(\+86|0086|86)(?=1\d{10}$)", "", number)
    if not re.fullmatch(r"1[3-9]\d{9}", number):
        raise ChineseValueError("手机号码应为11位，以13–19开头", "mobile_invalid")
    return number


# --- Full-width text ------------------------------------------------------------------


_HALFWIDTH = {0x3000: " ", **{code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}}


def to_halfwidth(text: str) -> str:
    """Full-width ASCII (Ａ１２３) and the ideographic space to their half-width forms."""
    return text.translate(_HALFWIDTH)


# --- Dates ----------------------------------------------------------------------------

_EXCEL_EPOCH = date(1899, 12, 30)
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_MONTH_PATTERNS = (re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?$"), re.compile(r"^(\d{4})(\d{2})$"))


def parse_chinese_date(value: object, *, allow_month: bool = False) -> date:
    """Parse 1985.03.07, 1985-3-7, 1985/3/7, 1985年3月7日, 19850307 or an Excel serial.

    With ``allow_month`` a month alone (1985.03, 1985年3月) gives its first day, as
    出生年月 columns are often written.
    """
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return excel_serial_to_date(value)
    text = to_halfwidth(str(value or "")).strip()
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return excel_serial_to_date(float(text))
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            return _make_date(*match.groups())
    if allow_month:
        for pattern in _MONTH_PATTERNS:
            match = pattern.match(text)
            if match:
                year, month = match.groups()
                return _make_date(year, month, "1")
    raise ChineseValueError(f"无法识别的日期“{value}”，请写作 1985-03-07 或 1985年3月7日", "date_invalid")


def _make_date(year: str, month: str, day: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError as exc:
        raise ChineseValueError(f"日期不存在：{year}年{month}月{day}日", "date_invalid") from exc


def excel_serial_to_date(serial: float) -> date:
    if not 1 <= serial < 2958466:
        raise ChineseValueError(f"Excel日期序号超出范围：{serial}", "date_invalid")
    return _EXCEL_EPOCH + timedelta(days=int(serial))


# --- Pinyin and 简繁 ------------------------------------------------------------------


@lru_cache(maxsize=65536)
def _char_pinyin(char: str) -> str:
    syllables = lazy_pinyin(char, errors="ignore")
    return syllables[0].lower() if syllables else ""


def _syllables(text: str) -> list[str]:
    """Pinyin of each character on its own, cached: a person's name is not a phrase, and
    character by character is fast enough for importing 100,000 names."""
    return [s for s in map(_char_pinyin, text) if s]


def pinyin_full(text: str) -> str:
    """张志强 → zhangzhiqiang."""
    return "".join(_syllables(text))


def pinyin_initials(text: str) -> str:
    """张志强 → zzq."""
    return "".join(s[0] for s in _syllables(text))


class _Converter(Protocol):
    """What is used of an ``opencc.OpenCC`` (which has no type hints)."""

    def convert(self, text: str) -> str: ...


@lru_cache(maxsize=2)
def _converter(config: str) -> _Converter:
    from opencc import OpenCC

    converter: _Converter = OpenCC(config)
    return converter


@lru_cache(maxsize=65536)
def _char_is_simplified(char: str) -> bool:
    return _converter("t2s").convert(char) == char


def to_simplified(text: str) -> str:
    """繁體 to 简体; text whose every character is already simplified is returned as it is
    (most text is, and the converter is slow)."""
    if all(map(_char_is_simplified, text)):
        return text
    return _converter("t2s").convert(text)


def to_traditional(text: str) -> str:
    return _converter("s2t").convert(text)
