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

# The role sets the declarations and pages name; defined here once.
NOBODY: frozenset[str] = frozenset()
OFFICE_ONLY = frozenset({Role.OFFICE})
OFFICE_AND_LEADERS = CITYWIDE_READERS
OFFICE_AND_LIAISONS = BUSINESS_WRITERS
#: Office, leaders and the experts assigned to a review.
REVIEW_READERS = frozenset({Role.OFFICE, Role.LEADER, Role.REVIEWER})
#: Everyone who works with the registry's data within a scope (not experts or talents).
STAFF_AND_LIAISONS = frozenset({Role.OFFICE, Role.LEADER, Role.LIAISON})
#: Those who act for a talent: the office, the talent's institution and the talent.
OFFICE_LIAISONS_AND_TALENTS = frozenset({Role.OFFICE, Role.LIAISON, Role.TALENT})
#: Every business role but the review experts.
ALL_BUT_EXPERTS = frozenset({Role.OFFICE, Role.LEADER, Role.LIAISON, Role.TALENT})
OFFICE_AND_REVIEWERS = frozenset({Role.OFFICE, Role.REVIEWER})
TALENTS_ONLY = frozenset({Role.TALENT})
LEADERS_ONLY = frozenset({Role.LEADER})
SYSADMIN_ONLY = frozenset({Role.SYSADMIN})
#: The administrators who manage accounts (三员分立: the auditor never does).
ACCOUNT_ADMINS = frozenset({Role.SYSADMIN, Role.SECADMIN})
#: The office and the administrators who manage accounts (the menu's 用户).
OFFICE_AND_ACCOUNT_ADMINS = frozenset({Role.OFFICE, Role.SYSADMIN, Role.SECADMIN})
#: Office, leaders, liaisons and the system administrator (the menu's 机构).
STAFF_LIAISONS_AND_SYSADMIN = frozenset({Role.OFFICE, Role.LEADER, Role.LIAISON, Role.SYSADMIN})


def role_of(user: object) -> str | None:
    """The user's role, or None for anonymous users."""
    if not getattr(user, "is_authenticated", False):
        return None
    role: str | None = getattr(user, "role", None)
    return role


def may_unmask(user: object) -> bool:
    return role_of(user) in UNMASKERS


def requires_second_factor(user: object) -> bool:
    return role_of(user) in ADMIN_ROLES
