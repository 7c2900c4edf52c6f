"""The paginator of the list pages, for tables of a million rows.

Two things Django's ``Paginator`` leaves to the database planner go wrong at that size:

* A page of a filtered set ordered by an indexed column (``name_pinyin``) tempts
  PostgreSQL to walk the order index and test each row until 25 match; when few rows
  match, it walks most of the table. So the paginator first asks for at most
  ``FENCE_BELOW`` + 1 primary keys of the set, a narrow query the planner answers from
  the filters' indexes. When that is all of them, their number is the count, and the page
  is read from those keys, ordered by the same column through an expression no index
  provides (``COALESCE(col, col)``), so that the planner sorts them: first the page's
  keys alone, then those rows with their related rows. Rows and order are the same.
* ``COUNT(*)`` of a whole table reads all of it. On PostgreSQL, a query without any
  condition whose planner estimate is at least ``ESTIMATE_ABOVE`` rows is counted by
  that estimate instead (within a few per cent after ``ANALYZE``; the page count is
  approximate, the pages themselves are exact). Other databases count.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import F, ForeignKey, Model, QuerySet
from django.db.models.expressions import Col
from django.db.models.functions import Coalesce
from django.db.models.lookups import In
from django.db.models.sql import Query
from django.db.models.sql.where import AND
from django.utils.functional import cached_property

FENCE_BELOW = 2_500
ESTIMATE_ABOVE = 200_000

_M = TypeVar("_M", bound=Model)

if TYPE_CHECKING:
    # Django's Paginator is generic only in the stubs.
    _ModelPaginator = Paginator[Model]
else:
    _ModelPaginator = Paginator


class ListPaginator(_ModelPaginator):
    """``Paginator`` that fences small ordered results and estimates huge unfiltered counts."""

    fence_below = FENCE_BELOW
    estimate_above = ESTIMATE_ABOVE

    @cached_property
    def count(self) -> int:
        if self.small_set is not None:
            return len(self.small_set)
        if isinstance(self.object_list, QuerySet) and not self.object_list.query.where:
            estimate = planner_estimate(self.object_list)
            if estimate is not None and estimate >= self.estimate_above:
                return estimate
        if isinstance(self.object_list, QuerySet):
            holders = holders_only(self.object_list)
            if holders is not None:
                return holders.count()
        return super().count

    @cached_property
    def small_set(self) -> list[Any] | None:
        """The primary keys of the whole set when there are at most ``fence_below`` (and
        no duplicates), else None. An unfiltered set is taken to be large."""
        if not isinstance(self.object_list, QuerySet) or not self.object_list.query.where:
            return None
        keys = list(self.object_list.order_by().values_list("pk", flat=True)[: self.fence_below + 1])
        if len(keys) > self.fence_below or len(set(keys)) != len(keys):
            return None
        return keys

    def page(self, number: int | str) -> Page[Model]:
        number = self.validate_number(number)
        queryset = self.object_list
        small = self.small_set is not None
        if isinstance(queryset, QuerySet) and (
            small or (not queryset.query.distinct and fenced(queryset) is not queryset)
        ):
            # The page's keys first, in the list's order, from the counted table alone;
            # then only those rows with their related rows (select_related): joining the
            # related rows of the whole small set before sorting it cost most of the page,
            # and walking the order index of a large set read the row of every key passed
            # over (the keys alone come from the index).
            bottom = (number - 1) * self.per_page
            top = bottom + self.per_page
            if top + self.orphans >= self.count:
                top = self.count
            chosen = fenced(queryset.filter(pk__in=self.small_set)) if small else queryset
            keys = list(chosen.values_list("pk", flat=True)[bottom:top])
            if len(set(keys)) != len(keys):  # a join repeats rows: paged as they come
                return super().page(number)
            # Those few rows are sorted (a large set's without the fence: with no limit
            # the planner does not walk the order index for them).
            rows = queryset.filter(pk__in=keys)
            rows = fenced(rows) if small else rows
            page: Page[Model] = self._get_page(rows, number, self)  # type: ignore[attr-defined]  # Django's hook, not in the stubs
            return page
        return super().page(number)


def holders_only(queryset: QuerySet[Model]) -> QuerySet[Model] | None:
    """When the only condition of ``queryset`` is ``pk IN (a subquery selecting a foreign
    key to its model)`` — the registry filtered by a qualification, an honour or a pool,
    seen by the whole city — the distinct keys of that subquery, which are as many as the
    rows of ``queryset`` (a foreign key names an existing row), counted from the holders'
    table alone instead of looking each up in the counted one; None otherwise."""
    query = queryset.query
    if query.distinct or query.is_sliced or query.combinator or len(query.alias_map) != 1:
        return None
    where = query.where
    if where.connector != AND or where.negated or len(where.children) != 1:
        return None
    lookup = where.children[0]
    if not isinstance(lookup, In) or not isinstance(lookup.rhs, Query):
        return None
    model = queryset.model
    if not isinstance(lookup.lhs, Col) or lookup.lhs.target != model._meta.pk:
        return None
    inner = lookup.rhs
    if (
        inner.model is None
        or inner.is_sliced
        or inner.combinator
        or len(inner.select) != 1
        or not isinstance(inner.select[0], Col)
    ):
        return None
    key = inner.select[0].target
    if not isinstance(key, ForeignKey) or key.related_model is not model or key.target_field != model._meta.pk:
        return None
    keys: QuerySet[Model] = inner.model._base_manager.all()
    keys.query = inner.clone()
    return keys.filter(**{f"{key.name}__isnull": False}).order_by().distinct()


def planner_estimate(queryset: QuerySet[Model]) -> int | None:
    """PostgreSQL's estimate of the rows of ``queryset`` (one ``EXPLAIN``, no rows read);
    None on other databases."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        row = cursor.fetchone()
        assert row is not None  # EXPLAIN answers one row
        plan = row[0]
    plan = plan if isinstance(plan, list) else json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def fenced(queryset: QuerySet[_M]) -> QuerySet[_M]:
    """``queryset`` in the same order, its first ordering column wrapped so that no index
    provides the order. Left as it is when that column is not a plain column of the model
    (a relation orders by the related model's ordering, which the wrapper would lose)."""
    ordering = list(queryset.query.order_by or queryset.model._meta.ordering or ())
    if not ordering or not isinstance(ordering[0], str):
        return queryset
    name = ordering[0].removeprefix("-")
    if not _plain_column(queryset.model, name):
        return queryset
    key = Coalesce(F(name), F(name))
    first = key.desc() if ordering[0].startswith("-") else key.asc()
    return queryset.order_by(first, *ordering[1:])


def _plain_column(model: type[Model], name: str) -> bool:
    if name == "pk":
        return True
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a lookup path or an annotation
        return False
    return field.concrete and not field.is_relation
