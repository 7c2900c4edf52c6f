import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CHARACTER_CLASSES = (r"[a-z]", r"[A-Z]", r"\d", r"[^a-zA-Z\d]")


class CharacterClassValidator:
    """At least ``min_classes`` of: lower case, upper case, digits, other characters."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        found = sum(1 for pattern in CHARACTER_CLASSES if re.search(pattern, password))
        if found < self.min_classes:
            raise ValidationError(
                _("密码须包含小写字母、大写字母、数字、特殊字符中的至少%(n)s类。") % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("密码须包含小写字母、大写字母、数字、特殊字符中的至少%(n)s类。") % {"n": self.min_classes}


class MinimumLengthValidator:
    """Django's length rule, with a message that Django 5.2 ships untranslated."""

    def __init__(self, min_length: int = 8):
        self.min_length = min_length

    def validate(self, password: str, user=None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                _("密码太短，至少需要%(min_length)s个字符。") % {"min_length": self.min_length},
                code="password_too_short",
            )

    def get_help_text(self) -> str:
        return _("密码至少需要%(min_length)s个字符。") % {"min_length": self.min_length}


SEQUENCES = ("0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl", "zxcvbnm")


class RepetitionValidator:
    """No character ``max_repeat`` or more times in a row (aaa, 111), no run of
    ``max_sequence`` or more keyboard or alphabet neighbours (1234, abcd, qwer, 4321), and
    not a password made of one repeated short pattern (abcabcabc)."""

    def __init__(self, max_repeat: int = 3, max_sequence: int = 4):
        self.max_repeat = max_repeat
        self.max_sequence = max_sequence

    def validate(self, password: str, user=None) -> None:
        if re.search(r"(.)\1{" + str(self.max_repeat - 1) + ",}", password):
            raise ValidationError(
                _("密码不能包含连续%(n)s个或以上相同的字符。") % {"n": self.max_repeat}, code="password_repeated"
            )
        lowered = password.lower()
        for sequence in SEQUENCES:
            for text in (sequence, sequence[::-1]):
                for start in range(len(text) - self.max_sequence + 1):
                    if text[start : start + self.max_sequence] in lowered:
                        raise ValidationError(
                            _("密码不能包含%(n)s个或以上连续的数字、字母或键盘相邻字符（如1234、abcd、qwer）。")
                            % {"n": self.max_sequence},
                            code="password_sequence",
                        )
        if re.fullmatch(r"(.{1,4})\1+", password):
            raise ValidationError(_("密码不能由同一小段字符重复组成。"), code="password_pattern")

    def get_help_text(self) -> str:
        return _("密码不能包含连续重复的字符或1234、abcd一类的连续字符。")


class ChineseCommonPasswordValidator:
    """Django's list of common passwords, with a Chinese message, and the patterns common
    here (pinyin phrases, the platform's own name) that the list misses."""

    LOCAL = ("woaini", "rencai", "jinrong", "mima", "admin", "password", "passw0rd", "p@ssw0rd", "qwer", "abc123")

    def __init__(self):
        from django.contrib.auth.password_validation import CommonPasswordValidator

        self.common = CommonPasswordValidator()

    def validate(self, password: str, user=None) -> None:
        lowered = password.lower().strip()
        stripped = re.sub(r"[\d\W_]+$", "", re.sub(r"^[\d\W_]+", "", lowered))
        if lowered in self.common.passwords or stripped in self.common.passwords or stripped in self.LOCAL:
            raise ValidationError(_("密码过于常见，容易被猜中，请换一个。"), code="password_too_common")

    def get_help_text(self) -> str:
        return _("不能使用常见密码。")
