"""A list filter for a related object picked by searching (the admin's autocomplete), not from a list of all.

Django's RelatedFieldListFilter writes every partner into every list page that filters by partner (2,000
partners: 2,000 links, and the query for them). ``AutocompleteFilter`` writes one ``<select>`` holding the
chosen object only; typing asks the admin's autocomplete view (the related admin's ``search_fields``), and
picking one reloads the list filtered by it (``config/static/config/autocomplete_filter.js``). The lookup in
the URL is Django's own (``partner__id__exact=…``), so links from the dashboard keep working.

Use it as ``list_filter = [("partner", AutocompleteFilter)]`` on an admin that mixes in
``AutocompleteFilterMedia`` (the select2 files and the script).
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect

from config.numbers import parse_whole_number


class _Picker(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return getattr(obj, "choice_label", None) or str(obj)  # as the search results name it


class AutocompleteFilter(admin.RelatedFieldListFilter):
    template = "admin/autocomplete_filter.html"

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.admin_site = model_admin.admin_site
        super().__init__(field, request, params, model, model_admin, field_path)

    def _chosen(self) -> int | None:
        values = self.lookup_val or []
        return parse_whole_number(str(values[-1])) if values else None

    def field_choices(self, field, request, model_admin):
        chosen = self._chosen()  # only the chosen object, to show its name: the rest is searched for
        return field.get_choices(include_blank=False, limit_choices_to={"pk": chosen}) if chosen else []

    def has_output(self):
        return True

    def choices(self, changelist):
        picker = _Picker(queryset=self.field.related_model._default_manager.all(), required=False,
                         widget=AutocompleteSelect(self.field, self.admin_site))
        html = picker.widget.render(self.lookup_kwarg, self._chosen(), attrs={"id": f"filter-{self.field_path}"})
        yield {
            "select": html,
            "pick_url": changelist.get_query_string({self.lookup_kwarg: "__pick__"}, [self.lookup_kwarg_isnull]),
            "all_url": changelist.get_query_string(remove=[self.lookup_kwarg, self.lookup_kwarg_isnull]),
        }


class AutocompleteFilterMedia:
    """Mix into a ModelAdmin whose list filters include an AutocompleteFilter."""

    @property
    def media(self):
        return (super().media + AutocompleteSelect(None, None).media
                + forms.Media(js=["admin/js/jquery.init.js", "config/autocomplete_filter.js"]))  # after django.jQuery
