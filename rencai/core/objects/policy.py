"""Who may do what to a declared object: the roles per verb and the scope, in one object.

Pages, the API, exports, imports, actions and to-do providers ask the same policy, so a
verb cannot be allowed on one path and refused on another.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, cast

from django.db import models

from rencai.core.models import ScopedQuerySet
from rencai.core.roles import BUSINESS_ROLES, OFFICE_AND_LIAISONS, OFFICE_ONLY, role_of

Verb = Literal["view", "create", "change", "delete", "import", "export"]
Narrowing = Callable[[models.QuerySet[Any], Any], models.QuerySet[Any]]


@dataclass(frozen=True)
class Policy:
    """Roles per verb, plus optional narrowings of the model's own scope.

    ``visible`` starts from ``Model.objects.visible_to(user)`` and ``editable`` from
    ``editable_by(user)``, the one scoping call of every model; a declaration may only
    narrow them (a campaign is editable while it is open), never widen them.
    """

    view: frozenset[str] = BUSINESS_ROLES
    create: frozenset[str] = OFFICE_ONLY
    change: frozenset[str] = OFFICE_AND_LIAISONS
    delete: frozenset[str] = OFFICE_ONLY
    #: Who may import; ``None`` means those who may create.
    imports: frozenset[str] | None = None
    #: Who may export the list; ``None`` means those who may view it.
    export: frozenset[str] | None = None
    narrow_visible: Narrowing | None = None
    narrow_editable: Narrowing | None = None
    #: A further condition on creating (a talent applies only with a registered profile).
    may_create: Callable[[Any], bool] | None = None

    def roles(self, verb: Verb) -> frozenset[str]:
        if verb == "import":
            return self.imports if self.imports is not None else self.create
        if verb == "export":
            return self.export if self.export is not None else self.view
        roles: frozenset[str] = getattr(self, verb)
        return roles

    def allows(self, verb: Verb, user: Any) -> bool:
        if role_of(user) not in self.roles(verb):
            return False
        if verb == "create" and self.may_create is not None:
            return self.may_create(user)
        return True

    def visible(self, model: type[models.Model], user: Any) -> models.QuerySet[Any]:
        queryset: models.QuerySet[Any] = _scoped(model).visible_to(user)
        if self.narrow_visible is not None:
            queryset = self.narrow_visible(queryset, user)
        return queryset

    def editable(self, model: type[models.Model], user: Any) -> models.QuerySet[Any]:
        queryset: models.QuerySet[Any] = _scoped(model).editable_by(user)
        if self.narrow_editable is not None:
            queryset = self.narrow_editable(queryset, user)
        return queryset


def _scoped(model: type[models.Model]) -> ScopedQuerySet:
    """All rows of a declared (scoped) model, as the ScopedQuerySet its manager gives."""
    return cast(ScopedQuerySet, model._default_manager.all())
