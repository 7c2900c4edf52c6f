"""Rules that keep registry search and the list fast at a million talents (see
``bench/talent_search.py``): derived search columns, one index-friendly lookup per kind of
text, the list paginator's fence and estimate, and filters written as ``IN`` sets."""

from datetime import date

import pytest
from django.core.paginator import Paginator
from django.db import connection

from rencai.core.paginator import ListPaginator, fenced, planner_estimate
from rencai.talents.models import Honour, PoolMembership, Talent, TalentPool
from rencai.talents.search import latin_condition, pinyin_range, search_talents


@pytest.fixture
def people(bank, make_talent):
    names = ["张志强", "张伟", "赵敏", "周正", "王伟", "王安", "李强", "欧阳娜娜"]
    return {name: make_talent(name, bank) for name in names}


def found(text: str) -> set[str]:
    return set(search_talents(Talent.objects.all(), text).values_list("name", flat=True))


# --- derived columns ---------------------------------------------------------------------


def test_heads_are_derived_on_save(bank, make_talent):
    talent = make_talent("張志強", bank)
    talent.refresh_from_db()
    assert (talent.name_first, talent.initials_head) == ("张", "zz")
    talent.name = "欧阳娜娜"
    talent.save()
    talent.refresh_from_db()
    assert (talent.name_first, talent.initials_head) == ("欧", "oy")


def test_heads_of_a_one_character_name(bank, make_talent):
    talent = make_talent("鑫", bank)
    assert (talent.name_first, talent.initials_head, talent.name_initials) == ("鑫", "x", "x")


# --- search ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("张", {"张志强", "张伟"}),  # one character: name_first
        ("張", {"张志强", "张伟"}),  # traditional
        ("张志", {"张志强"}),
        ("z", {"张志强", "张伟", "赵敏", "周正"}),  # one letter: the first initial
        ("W", {"王伟", "王安"}),
        ("zw", {"张伟"}),  # two consonants: initials_head
        ("zzq", {"张志强"}),  # three: the initials prefix
        ("zhang", {"张志强", "张伟"}),  # a vowel: the full pinyin prefix
        ("zhangzhiq", {"张志强"}),
        ("zhouz", {"周正"}),  # a range ending in z
        ("wangan", {"王安"}),
        ("ouyang", {"欧阳娜娜"}),
        ("x", set()),
        ("志强", set()),  # not the start of a name
    ],
)
def test_each_kind_of_text_finds_by_the_start_of_the_name(people, text, names):
    assert found(text) == names


def test_pinyin_range_bounds():
    assert str(pinyin_range("zhang")) == str(latin_condition("zhang"))
    lows_highs = {
        "zhang": ("zhang", "zhanh"),
        "zhouz": ("zhouz", "zhov"),
        "az": ("az", "b"),
    }
    for letters, (low, high) in lows_highs.items():
        children = dict(pinyin_range(letters).children)
        assert children == {"name_pinyin__gte": low, "name_pinyin__lt": high}
    assert dict(pinyin_range("zz").children) == {"name_pinyin__gte": "zz"}  # no upper bound


def test_three_initials_or_more_are_also_looked_up_by_their_head():
    """``wyy`` walks the head ``wy`` in list order instead of every name from ``a`` on."""
    assert dict(latin_condition("wyy").children) == {"initials_head": "wy", "name_initials__startswith": "wyy"}
    assert dict(latin_condition("zzqa").children) == {"name_pinyin__gte": "zzqa", "name_pinyin__lt": "zzqb"}


# --- paginator ---------------------------------------------------------------------------


@pytest.mark.parametrize("ordering", [("name_pinyin", "id"), ("-name_pinyin", "id"), ("organization", "pk")])
def test_list_paginator_pages_match_djangos(people, ordering):
    queryset = Talent.objects.filter(name_pinyin__gte="o").order_by(*ordering)
    ours, django = ListPaginator(queryset, 2), Paginator(queryset, 2)
    assert ours.count == django.count == 7
    for number in django.page_range:
        assert list(ours.page(number).object_list) == list(django.page(number).object_list)


@pytest.mark.parametrize("ordering", [("name_pinyin", "id"), ("-name_pinyin", "id"), ("-id",), ("organization", "pk")])
def test_large_set_pages_read_their_keys_first_and_match_djangos(people, ordering):
    queryset = Talent.objects.filter(name_pinyin__gte="o").order_by(*ordering)
    ours, django = ListPaginator(queryset, 3), Paginator(queryset, 3)
    ours.fence_below = 0  # every set is large
    for number in django.page_range:
        assert list(ours.page(number).object_list) == list(django.page(number).object_list)
    unordered = ListPaginator(Talent.objects.order_by("name_pinyin", "id"), 25)
    page = unordered.page(1).object_list
    assert "IN (" in str(page.query) and list(page) == list(Talent.objects.order_by("name_pinyin", "id")[:25])


def test_small_results_are_fenced_large_ones_not(people):
    queryset = Talent.objects.filter(name_pinyin__gte="o").order_by("name_pinyin", "id")
    small = ListPaginator(queryset, 2).page(1).object_list
    assert "COALESCE" in str(small.query)
    paginator = ListPaginator(queryset, 2)
    paginator.fence_below = 3
    assert "COALESCE" not in str(paginator.page(1).object_list.query)


def test_fence_keeps_relation_orderings_and_direction():
    by_relation = Talent.objects.order_by("organization", "pk")
    assert fenced(by_relation).query.order_by == by_relation.query.order_by
    descending = fenced(Talent.objects.order_by("-name_pinyin", "id"))
    first, rest = descending.query.order_by[0], descending.query.order_by[1:]
    assert first.descending and rest == ("id",)


def test_counts_are_exact_when_filtered(people):
    queryset = Talent.objects.filter(name_first="张").order_by("name_pinyin", "id")
    paginator = ListPaginator(queryset, 25)
    paginator.estimate_above = 0
    assert paginator.count == 2


@pytest.mark.skipif(connection.vendor == "postgresql", reason="PostgreSQL estimates")
def test_other_databases_count_rather_than_estimate(people):
    paginator = ListPaginator(Talent.objects.order_by("name_pinyin", "id"), 25)
    paginator.estimate_above = 0
    assert planner_estimate(Talent.objects.all()) is None
    assert paginator.count == len(people)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_postgresql_estimates_huge_unfiltered_counts(people):
    paginator = ListPaginator(Talent.objects.order_by("name_pinyin", "id"), 25)
    paginator.estimate_above = 0
    estimate = planner_estimate(Talent.objects.all())
    assert isinstance(estimate, int)
    assert paginator.count == estimate


def test_the_list_page_uses_the_list_paginator(client_for, people):
    response = client_for("office").get("/o/talents/", {"q": "zhang"})
    assert isinstance(response.context["page"].paginator, ListPaginator)
    assert [obj.name for obj, _cells in response.context["rows"]] == ["张伟", "张志强"]


# --- filters as IN sets --------------------------------------------------------------------


def names(client, **query) -> list[str]:
    return [obj.name for obj, _cells in client.get("/o/talents/", query).context["rows"]]


def test_a_talent_with_two_matching_honours_is_listed_once(client_for, people):
    for year in (2023, 2024):
        Honour.objects.create(talent=people["王伟"], name="优秀员工", awarded_on=date(year, 1, 1))
    assert names(client_for("office"), honour="优秀") == ["王伟"]


def test_pool_filter_lists_current_members_only(client_for, people):
    pool = TalentPool.objects.create(name="专家智库", kind="think_tank")
    PoolMembership.objects.create(pool=pool, talent=people["李强"], joined_on=date(2024, 1, 1))
    PoolMembership.objects.create(
        pool=pool, talent=people["赵敏"], joined_on=date(2020, 1, 1), left_on=date(2021, 1, 1), exit_reason="调离"
    )
    assert names(client_for("office"), pool=pool.pk) == ["李强"]


# --- counted through the holders ------------------------------------------------------------


def test_a_holders_only_count_reads_the_holders_and_agrees(people):
    from django.test.utils import CaptureQueriesContext

    from rencai.core.paginator import holders_only

    for year in (2023, 2024):  # two honours of one talent: still one talent
        Honour.objects.create(talent=people["王伟"], name="优秀员工", awarded_on=date(year, 1, 1))
    Honour.objects.create(talent=people["李强"], name="优秀党员", awarded_on=date(2024, 1, 1))
    Honour.objects.create(talent=people["周正"], name="劳动模范", awarded_on=date(2024, 1, 1))
    held = Talent.objects.filter(pk__in=Honour.objects.filter(name__contains="优秀").values("talent_id"))
    ordered = held.order_by("name_pinyin", "id")
    paginator = ListPaginator(ordered, 1)
    paginator.fence_below = 0  # not a small set: counted
    with CaptureQueriesContext(connection) as captured:
        assert paginator.count == 2
    assert "talents_talent" not in captured.captured_queries[-1]["sql"]
    assert Paginator(ordered, 1).count == held.count() == 2
    assert [list(paginator.page(n).object_list) for n in (1, 2)] == [[people["李强"]], [people["王伟"]]]
    # Any other condition (a scope, a second filter) is counted the usual way.
    assert holders_only(held.filter(name_first="王")) is None
    assert holders_only(held.filter(organization__name="x")) is None
    assert holders_only(Talent.objects.filter(pk__in=[people["王伟"].pk])) is None
    assert holders_only(Talent.objects.filter(pk__in=Talent.objects.filter(name_first="王").values("pk"))) is None
