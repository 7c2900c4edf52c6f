"""The one-screen dictionary editor: every entry of one dictionary on one screen."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.db import transaction
from django.forms import modelformset_factory
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from rencai.core.errors import Refused
from rencai.core.forms import bootstrapify
from rencai.core.objects import config_for_model
from rencai.core.objects.writes import save_object
from rencai.talents.forms import DictionaryRowForm
from rencai.talents.models import DictionaryEntry, DictionaryKind


class DictionaryEditorView(LoginRequiredMixin, UserPassesTestMixin, TemplateView):
    """Every entry of one dictionary on one screen: code, name, order, enabled, synonyms."""

    template_name = "talents/dictionary_editor.html"

    @property
    def config(self):
        return config_for_model(DictionaryEntry)

    def test_func(self) -> bool:
        return self.config.can_change(self.request.user)

    @property
    def kind(self) -> str:
        kind = self.kwargs.get("kind") or DictionaryKind.CATEGORY
        return kind if kind in DictionaryKind.values else DictionaryKind.CATEGORY

    def formset(self, data=None):
        formset_class = modelformset_factory(DictionaryEntry, form=DictionaryRowForm, extra=3)
        formset = formset_class(data=data, queryset=DictionaryEntry.objects.filter(kind=self.kind), prefix="d")
        for form in formset:
            form.instance.kind = self.kind
            bootstrapify(form)
            if form.instance.pk:
                form.fields["seen_version"].initial = form.instance.version
            if self.kind != DictionaryKind.SUBCATEGORY:
                form.fields.pop("parent")
            if self.kind != DictionaryKind.TIER:
                form.fields.pop("managing_department")
        return formset

    def get_context_data(self, **kwargs):
        return {
            "kinds": DictionaryKind.choices,
            "kind": self.kind,
            "kind_label": DictionaryKind(self.kind).label,
            "formset": kwargs.get("formset") or self.formset(),
        }

    def post(self, request, *args, **kwargs):
        formset = self.formset(request.POST)
        if not formset.is_valid():
            return self.render_to_response(self.get_context_data(formset=formset))
        try:
            saved = self.save_rows(formset)
        except Refused as exc:
            formset._non_form_errors = formset.error_class([str(exc)])
            return self.render_to_response(self.get_context_data(formset=formset), status=exc.status)
        messages.success(request, _("已保存 %(n)s 项。") % {"n": saved})
        return HttpResponseRedirect(request.path)

    def save_rows(self, formset) -> int:
        """Save the changed rows through the one write path, all or none: a row someone
        else saved since the screen was loaded refuses the whole screen (StaleEdit)."""
        saved = 0
        with transaction.atomic():
            for form in formset:
                if not form.has_changed() or not form.cleaned_data.get("name"):
                    continue
                entry = form.save(commit=False)
                entry.kind = self.kind
                seen = form.cleaned_data.get("seen_version") if entry.pk else None
                save_object(self.config, entry, self.request.user, expected_version=seen)
                saved += 1
        return saved
