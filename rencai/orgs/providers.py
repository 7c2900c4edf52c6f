"""What the organisations give others: the to-do of units without a credit code."""

from django.utils.translation import gettext as _

from rencai.core.objects import config_for_model
from rencai.core.todos import Todo, todo_provider
from rencai.orgs.models import Organization


@todo_provider
def organizations_missing_credit_code(user) -> list[Todo]:
    """For those who may fill it in: whoever may change organisations."""
    config = config_for_model(Organization)
    if config is None or not config.can_change(user):
        return []
    count = Organization.objects.editable_by(user).filter(credit_code="", is_active=True).count()
    if not count:
        return []
    return [Todo(_("%(count)s 家机构尚未填写统一社会信用代码") % {"count": count}, "/o/organizations/?q=", count)]
