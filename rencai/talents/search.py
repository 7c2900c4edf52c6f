"""One search box over the registry, the way Chinese users search for a person.

The text decides the lookup: an 18- or 15-digit ID number goes through the blind index,
an 11-digit mobile likewise, Latin letters match the start of the full pinyin or the
initials (``zzq`` finds 张志强), anything else the start of the name in simplified
characters (so 張志強 finds 张志强). Every lookup is a prefix or exact match that an index
serves on PostgreSQL.
"""

import re

from django.db.models import Q, QuerySet

from rencai.core.chinese import ChineseValueError, to_halfwidth, to_simplified, validate_id_number, validate_mobile
from rencai.core.personal import blind_index

_ID_NUMBER = re.compile(r"\d{17}[\dXx]|\d{15}")
_MOBILE = re.compile(r"(\+?86)?1\d{10}")
_LATIN = re.compile(r"[A-Za-z]+")


def search_talents(queryset: QuerySet, text: str) -> QuerySet:
    text = re.sub(r"\s+", "", to_halfwidth(text or ""))
    if not text:
        return queryset
    if _ID_NUMBER.fullmatch(text):
        try:
            return queryset.filter(id_number_bidx=blind_index(validate_id_number(text)))
        except ChineseValueError:
            return queryset.none()
    if _MOBILE.fullmatch(text):
        try:
            return queryset.filter(mobile_bidx=blind_index(validate_mobile(text)))
        except ChineseValueError:
            return queryset.none()
    if _LATIN.fullmatch(text):
        text = text.lower()
        return queryset.filter(Q(name_pinyin__startswith=text) | Q(name_initials__startswith=text))
    return queryset.filter(name_simplified__startswith=to_simplified(text))
