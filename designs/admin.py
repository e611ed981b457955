"""Design admin. Saves go through designs.services so routing and code rules live in one place.

The design page shows its production runs and a "Create production run" link
through production's template tags (designs imports none of the other apps).
"""

from django import forms
from django.contrib import admin

from config.errors import DomainError
from config.service_admin import ServiceAdminMixin, formset_written, saved_as
from designs.models import Design, DesignPartner
from designs.services import (
    EDITABLE_FIELDS,
    design_create,
    design_link_partner,
    design_unlink_partner,
    design_update,
    routing_check,
)


class DesignForm(forms.ModelForm):
    class Meta:
        model = Design
        fields = ["name", "code", "status", "specs", "routing"]

    def clean_specs(self):
        return self.cleaned_data["specs"] or {}

    def clean_routing(self):
        routing = self.cleaned_data["routing"]
        try:
            # parse_routing plus "every partner exists": the same check the service runs on save.
            routing_check(routing)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc
        return routing


class DesignPartnerInline(admin.TabularInline):
    model = DesignPartner
    extra = 0
    autocomplete_fields = ["partner"]
    fields = ["partner", "role", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Design)
class DesignAdmin(ServiceAdminMixin, admin.ModelAdmin):
    form = DesignForm
    list_display = ["name", "code", "status", "has_routing", "created_at", "updated_at"]
    list_filter = ["status", ("routing", admin.EmptyFieldListFilter)]
    search_fields = ["name", "code"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [DesignPartnerInline]

    @admin.display(boolean=True, description="routing")
    def has_routing(self, obj):
        return bool(obj.routing)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:  # the design's history (status changes, sample reviews), written by the services
            context["history"] = obj.activities.select_related("actor").order_by("created_at", "id")
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in EDITABLE_FIELDS}
        if change:
            design_update(design=obj, actor=request.user,
                          **{name: data[name] for name in form.changed_data if name in data})
            return
        saved_as(obj, design_create(**data))

    def save_formset(self, request, form, formset, change):
        """Partner links through the link services (a changed row is an unlink plus a link)."""
        design = form.instance
        for row in formset.forms:
            if not row.has_changed() or not row.cleaned_data:
                continue
            link = row.instance if row.instance.pk else None
            if link is not None:
                design_unlink_partner(link=link)
            if not row.cleaned_data.get("DELETE"):
                design_link_partner(design=design, partner=row.cleaned_data["partner"],
                                    role=row.cleaned_data.get("role") or "")
        formset_written(formset)
