"""The forms of training's declared objects (the fields a user types; the rest is set by
the declarations' hooks)."""

from django import forms

from rencai.training.models import Attendance, Enrollment, Feedback, Video


class EnrollmentForm(forms.ModelForm):
    class Meta:
        model = Enrollment
        fields = ["training_class", "talent"]


class AttendanceForm(forms.ModelForm):
    class Meta:
        model = Attendance
        fields = ["session", "talent", "note"]


class VideoForm(forms.ModelForm):
    class Meta:
        model = Video
        fields = ["title", "topic", "lecturer", "description", "file", "duration_seconds", "hours", "is_published"]


class FeedbackForm(forms.ModelForm):
    class Meta:
        model = Feedback
        fields = ["training_class", "content_rating", "lecturer_rating", "organisation_rating", "comment"]
