"""One search box over the registry, the way Chinese users search for a person.

The text decides the lookup: an 18- or 15-digit ID number goes through the blind index,
an 11-digit mobile likewise, anything else the start of the name:

* Chinese (or other non-Latin) text matches the start of the name in simplified characters
  (so 張志強 finds 张志强); one character is looked up through ``name_first``;
* Latin letters with a vowel, or a single letter, match the start of the full pinyin
  (``zhang``, ``zhangw``, ``w``); a single letter is the same set as the first initial;
* two or more Latin consonants match the start of the initials (``zzq`` finds 张志强);
  two through ``initials_head``, more also through it: the names starting with ``wyy`` all
  have the head ``wy``, and (``initials_head``, ``name_pinyin``, ``id``) walks only those in
  list order. The prefix index alone does not give the order, and walking the order index
  for them passes every name from ``a`` to ``w`` first (3.5 s at a million talents).

Each name lookup is answered by one index whose order is the list's (``name_pinyin``,
``id``) or by few enough rows to sort, so a page of a million talents needs no full scan.
Latin text is no longer tried as both pinyin and initials: ``OR`` of the two ranges can be
served by neither order index. Initials hold no vowel unless a syllable starts with one
(安 an, 欧 ou), and a pinyin prefix without a vowel is an unfinished syllable (zh, sh).
"""

import re

from django.db.models import Q, QuerySet

from rencai.core.chinese import ChineseValueError, to_halfwidth, to_simplified, validate_id_number, validate_mobile
from rencai.core.personal import blind_index

_ID_NUMBER = re.compile(r"\d{17}[\dXx]|\d{15}")
_MOBILE = re.compile(r"(\+?86)?1\d{10}")
_LATIN = re.compile(r"[A-Za-z]+")
_CONSONANTS = re.compile(r"[b-df-hj-np-tw-z]+")


def search_talents(queryset: QuerySet, text: str) -> QuerySet:
    """The talents of ``queryset`` that ``text`` (as typed in the search box) finds."""
    text = re.sub(r"\s+", "", to_halfwidth(text or ""))
    if not text:
        return queryset
    if _ID_NUMBER.fullmatch(text):
        return _by_blind_index(queryset, "id_number_bidx", validate_id_number, text)
    if _MOBILE.fullmatch(text):
        return _by_blind_index(queryset, "mobile_bidx", validate_mobile, text)
    if _LATIN.fullmatch(text):
        return queryset.filter(latin_condition(text.lower()))
    return queryset.filter(name_condition(to_simplified(text)))


def _by_blind_index(queryset: QuerySet, field: str, validate, text: str) -> QuerySet:
    try:
        return queryset.filter(**{field: blind_index(validate(text))})
    except ChineseValueError:
        return queryset.none()


def name_condition(simplified: str) -> Q:
    """Names starting with ``simplified``."""
    if len(simplified) == 1:
        return Q(name_first=simplified)
    return Q(name_simplified__startswith=simplified)


def latin_condition(letters: str) -> Q:
    """Names whose initials (consonants only, two or more) or pinyin start with the
    lower-case ``letters``."""
    if len(letters) >= 2 and _CONSONANTS.fullmatch(letters):
        if len(letters) == 2:
            return Q(initials_head=letters)
        return Q(initials_head=letters[:2], name_initials__startswith=letters)
    return pinyin_range(letters)


def pinyin_range(letters: str) -> Q:
    """``name_pinyin`` starting with ``letters`` as a range, which the order index
    (``name_pinyin``, ``id``) serves in order (``LIKE`` needs the pattern index, which does
    not give the order). Pinyin is lower-case a–z only, so the range is exact whatever the
    collation: the upper bound increments the last letter that is not ``z``."""
    condition = Q(name_pinyin__gte=letters)
    head = letters.rstrip("z")
    if head:
        condition &= Q(name_pinyin__lt=head[:-1] + chr(ord(head[-1]) + 1))
    return condition
