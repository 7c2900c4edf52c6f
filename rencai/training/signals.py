"""A participant's hours and completion follow their attendance, however it was taken
(QR code, imported sheet, or marked by hand)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from rencai.training.models import Attendance, Enrollment
from rencai.training.services import update_enrollment


@receiver(post_save, sender=Attendance, dispatch_uid="training_attendance_saved")
@receiver(post_delete, sender=Attendance, dispatch_uid="training_attendance_deleted")
def attendance_changed(sender, instance: Attendance, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    enrollment = Enrollment.objects.filter(
        training_class_id=instance.session.training_class_id, talent_id=instance.talent_id
    ).first()
    if enrollment is not None:
        update_enrollment(enrollment)
