"""Design admin. Saves go through designs.services so routing and code rules live in one place.

The design page shows its production runs and a "Create production run" link
through production's template tags (designs imports none of the other apps).
"""

from django import forms
from django.contrib import admin

from config.errors import DomainError
from config.money import RateType
from config.service_admin import ServiceAdminMixin, TimelineHistoryMixin, formset_written, saved_as
from designs.materials import bill_line, design_set_bill_of_materials, material_create, material_update
from designs.models import BillOfMaterialsLine, Design, DesignPartner, Material
from designs.services import (
    EDITABLE_FIELDS,
    design_create,
    design_link_partner,
    design_partner_set_rate,
    design_unlink_partner,
    design_update,
    routing_check,
)
from designs.specs import SpecsField


class DesignForm(forms.ModelForm):
    specs = SpecsField()

    class Meta:
        model = Design
        fields = ["name", "code", "status", "specs", "routing"]
        help_texts = {"routing": "What integrations read and write. Staff edit the routing with “Edit routing” in "
                                 "the box below, which names its partners and templates."}

    def clean_routing(self):
        routing = self.cleaned_data["routing"]
        if "routing" not in self.changed_data:
            return routing  # kept as stored: renaming a design never asks to fix its routing first
        try:
            # parse_routing plus "every partner exists": the same check the service runs on save.
            routing_check(routing)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc
        return routing


class DesignPartnerForm(forms.ModelForm):
    # Optional: a link without a rate (its runs take the Allocate row's rate, if any); blank type is per piece.
    rate_type = forms.ChoiceField(choices=[("", "—"), *RateType.choices], required=False, label="rate type")

    class Meta:
        model = DesignPartner
        fields = ["partner", "role", "rate", "rate_type"]


class DesignPartnerInline(admin.TabularInline):
    model = DesignPartner
    form = DesignPartnerForm
    extra = 0
    autocomplete_fields = ["partner"]
    fields = ["partner", "role", "rate", "rate_type", "created_at"]
    readonly_fields = ["created_at"]
    verbose_name_plural = "partners (with the rate agreed for the design and role: the default of their runs)"


class BillOfMaterialsInline(admin.TabularInline):
    model = BillOfMaterialsLine
    extra = 1
    autocomplete_fields = ["material"]
    fields = ["material", "quantity_per_piece", "role"]
    verbose_name_plural = "bill of materials (per piece; runs are planned from it when they are sent)"


@admin.register(Design)
class DesignAdmin(ServiceAdminMixin, TimelineHistoryMixin, admin.ModelAdmin):
    history_anchor = "design-history"
    form = DesignForm
    list_display = ["name", "code", "status", "has_routing", "created_at", "updated_at"]
    list_filter = ["status", ("routing", admin.EmptyFieldListFilter)]
    search_fields = ["name", "code"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "code", "status", "specs", "created_at", "updated_at"]}),
        ("Routing as JSON", {"fields": ["routing"], "classes": ["collapse"]}),
    ]
    inlines = [DesignPartnerInline, BillOfMaterialsInline]

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        data = kwargs.get("data")
        if isinstance(inline, BillOfMaterialsInline) and data is not None and f"{prefix}-TOTAL_FORMS" not in data:
            # A form posted without the bill's section (a page from before it, a script) leaves the bill as it is.
            kwargs["data"] = data.copy()
            kwargs["data"].update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
        return kwargs

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
        if formset.model is BillOfMaterialsLine:
            self._save_bill(form.instance, formset)
        else:
            self._save_links(form.instance, formset)
        formset_written(formset)

    def _save_bill(self, design, formset):
        """The bill of materials as a whole, through its one service (only when a line changed)."""
        if not any(row.has_changed() for row in formset.forms):
            return
        rows = [row.cleaned_data for row in formset.forms
                if row.cleaned_data and not row.cleaned_data.get("DELETE") and row.cleaned_data.get("material")]
        design_set_bill_of_materials(design=design, lines=[
            bill_line(material=row["material"], quantity_per_piece=row["quantity_per_piece"], role=row.get("role"))
            for row in rows])

    def _save_links(self, design, formset):
        """Partner links through the link services (a changed row is an unlink plus a link, with its rate)."""
        for row in formset.forms:
            if not row.has_changed() or not row.cleaned_data:
                continue
            link = row.instance if row.instance.pk else None
            if link is not None:
                design_unlink_partner(link=link)
            if not row.cleaned_data.get("DELETE"):
                link, _ = design_link_partner(design=design, partner=row.cleaned_data["partner"],
                                              role=row.cleaned_data.get("role") or "")
                design_partner_set_rate(link=link, rate=row.cleaned_data.get("rate"),
                                        rate_type=row.cleaned_data.get("rate_type") or RateType.PER_UNIT)


class MaterialForm(forms.ModelForm):
    class Meta:
        model = Material
        fields = ["name", "unit", "unit_cost"]


@admin.register(Material)
class MaterialAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """The material catalogue; saves go through ``designs.materials`` (a name is unique in any case)."""

    form = MaterialForm
    list_display = ["name", "unit", "unit_cost", "updated_at"]
    list_filter = ["unit"]
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in MaterialForm.Meta.fields}
        if change:
            material_update(material=obj, **data)
        else:
            saved_as(obj, material_create(**data))

    def has_delete_permission(self, request, obj=None):
        return False  # runs' plans and logs point at it: change it instead
