"""The roles of the platform and what each may do, in one table.

三员分立: the three administrator roles never see business data, and only the security
auditor reads the audit log.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICE = "office", _("办公室业务人员")
    LEADER = "leader", _("领导")
    LIAISON = "liaison", _("机构联络员")
    REVIEWER = "reviewer", _("评审专家")
    TALENT = "talent", _("人才")
    SYSADMIN = "sysadmin", _("系统管理员")
    SECADMIN = "secadmin", _("安全管理员")
    AUDITOR = "auditor", _("安全审计员")


ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})
BUSINESS_ROLES = frozenset({Role.OFFICE, Role.LEADER, Role.LIAISON, Role.REVIEWER, Role.TALENT})
#: Roles that see every organisation's business data.
CITYWIDE_READERS = frozenset({Role.OFFICE, Role.LEADER})
#: Roles that may write business data (within their scope).
BUSINESS_WRITERS = frozenset({Role.OFFICE, Role.LIAISON})
#: Roles that may see personal data unmasked, each unmasking audited.
UNMASKERS = frozenset({Role.OFFICE})


def role_of(user) -> str | None:
    """The user's role, or None for anonymous users."""
    if not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "role", None)


def may_unmask(user) -> bool:
    return role_of(user) in UNMASKERS


def requires_second_factor(user) -> bool:
    return role_of(user) in ADMIN_ROLES
