"""Keeping duties in step with the registry and the visit log."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from rencai.accounts.models import User
from rencai.core.imports.schema import rows_imported
from rencai.services.models import ContactLeader, DutyState, ServiceDuty, Visit
from rencai.services.services import (
    CONTACT_ROLES,
    apply_rules,
    apply_rules_to_new,
    reassign_from,
    reassign_named,
    record_contact,
)
from rencai.talents.models import Talent


@receiver(post_save, sender=Talent, dispatch_uid="services_apply_rules")
def talent_saved(sender, instance: Talent, created: bool, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    apply_rules(instance)


@receiver(post_save, sender=Visit, dispatch_uid="services_record_contact")
def visit_saved(sender, instance: Visit, raw: bool = False, **kwargs) -> None:
    if not raw:
        record_contact(instance)


@receiver(rows_imported, sender=Talent, dispatch_uid="services_apply_rules_imported")
def talents_imported(sender, instances: list[Talent], **kwargs) -> None:
    apply_rules_to_new(instances)


@receiver(post_save, sender=User, dispatch_uid="services_leader_left")
def user_saved(sender, instance: User, raw: bool = False, **kwargs) -> None:
    """A contact leader who leaves (account deactivated, or no longer office or leader)
    hands their open contact duties on."""
    if raw:
        return
    left = not instance.is_active or instance.role not in CONTACT_ROLES
    if left and ServiceDuty.objects.filter(assigned_to=instance, state=DutyState.OPEN).exists():
        reassign_from(instance)


@receiver(post_save, sender=ContactLeader, dispatch_uid="services_named_leader")
def contact_leader_saved(sender, instance: ContactLeader, raw: bool = False, **kwargs) -> None:
    if not raw:
        reassign_named(instance)
