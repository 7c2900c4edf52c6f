from django.urls import path

from rencai.talents import views

app_name = "talents"

urlpatterns = [
    path("dictionary/", views.DictionaryEditorView.as_view(), name="dictionary"),
    path("dictionary/<slug:kind>/", views.DictionaryEditorView.as_view(), name="dictionary-kind"),
]
