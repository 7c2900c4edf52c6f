"""Keeping duties in step with the registry and the visit log."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from rencai.core.imports.schema import rows_imported
from rencai.services.models import Visit
from rencai.services.services import apply_rules, apply_rules_to_new, record_contact
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
