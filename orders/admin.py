"""Products and orders. Orders and their lines are written through ``orders.services``.

The order page lists the order's production runs through production's
template tags (orders imports nothing from production).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path

from config.errors import DomainError
from config.numbers import counted, parse_whole_number
from config.service_admin import ServiceAdminMixin, ViewOnlyAdminMixin, formset_written, saved_as
from orders.models import Order, OrderLineItem, Product, ProductVariant
from orders.services import line_problem, order_cancel, order_create, order_place, order_update


class ProductVariantInline(admin.TabularInline):
    model = ProductVariant
    extra = 0
    autocomplete_fields = ["design"]
    fields = ["sku", "title", "design"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["title", "design", "variant_count", "created_at"]
    list_select_related = ["design"]
    list_filter = [("design", admin.EmptyFieldListFilter)]
    search_fields = ["title", "variants__sku", "design__name", "design__code"]
    autocomplete_fields = ["design"]
    inlines = [ProductVariantInline]

    def get_queryset(self, request):
        # An aggregate drops Meta.ordering: say it again, or the autocomplete pages would be in no stable order.
        return super().get_queryset(request).annotate(variant_count=Count("variants")).order_by("title", "id")

    @admin.display(description="variants", ordering="variant_count")
    def variant_count(self, obj):
        return obj.variant_count


@admin.register(ProductVariant)
class ProductVariantAdmin(admin.ModelAdmin):
    list_display = ["sku", "title", "product", "design"]
    list_select_related = ["product", "design"]
    search_fields = ["sku", "title", "product__title"]
    autocomplete_fields = ["product", "design"]

    def get_search_results(self, request, queryset, search_term):
        """An order line's variant picker sends the line's product: only that product's variants are offered."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        product = parse_whole_number(request.GET.get("product", ""))
        if request.GET.get("model_name") == "orderlineitem" and request.GET.get("field_name") == "variant" and product:
            queryset = queryset.filter(product_id=product)
        return queryset, may_have_duplicates


class LineItemForm(forms.ModelForm):
    class Meta:
        model = OrderLineItem
        fields = ["product", "variant", "quantity", "title", "external_id"]
        # Narrow enough that a line (two pickers, five fields and Delete) fits a 1280-pixel screen.
        widgets = {"title": forms.TextInput(attrs={"size": 16}), "external_id": forms.TextInput(attrs={"size": 12})}

    def clean(self):
        data = super().clean()
        if data.get("product") and not data.get("DELETE"):
            problem = line_problem(product=data["product"], variant=data.get("variant"), quantity=data.get("quantity"))
            if problem:
                raise forms.ValidationError(problem[0].upper() + problem[1:])
        return data


class OrderLineItemInline(admin.TabularInline):
    """Lines can be edited while the order is a draft; once placed they are history."""

    model = OrderLineItem
    form = LineItemForm
    extra = 0
    min_num = 1  # an order needs at least one line (order_create says so too)
    autocomplete_fields = ["product", "variant"]

    class Media:
        js = ["admin/js/jquery.init.js", "orders/variant_of_product.js"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product", "variant")

    def _draft(self, obj) -> bool:
        return obj is None or obj.status == Order.Status.DRAFT

    def has_add_permission(self, request, obj):
        return self._draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._draft(obj) and super().has_delete_permission(request, obj)


@admin.register(Order)
class OrderAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "customer_email", "status", "item_count", "promised_date", "placed_at", "created_at"]
    list_filter = ["status", "placed_at"]
    search_fields = ["id__exact", "external_id", "customer_email", "items__title", "items__external_id"]
    readonly_fields = ["status", "placed_at", "created_at", "updated_at"]
    date_hierarchy = "created_at"
    inlines = [OrderLineItemInline]
    actions = ["place_orders", "cancel_orders"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_count=Count("items"))

    @admin.display(description="items", ordering="item_count")
    def item_count(self, obj):
        return obj.item_count

    def has_change_permission(self, request, obj=None):
        # A placed or cancelled order is history: its page is view-only (placing works from the list).
        if obj is not None and obj.status != Order.Status.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Never deleted: a placed order is its runs' provenance, and a draft is cancelled ("Cancel orders"). Deleting
        # was offered and always refused (an order's lines are view-only), so the list no longer offers it.
        return False

    def save_model(self, request, obj, form, change):
        pass  # the order and its lines are written together by the service, in save_related

    def save_related(self, request, form, formsets, change):
        (lines,) = formsets
        items = [
            {name: line.cleaned_data.get(name) for name in ("product", "variant", "quantity", "title", "external_id")}
            for line in lines.forms if line.cleaned_data and not line.cleaned_data.get("DELETE")
        ]
        data = {"customer_email": form.cleaned_data["customer_email"],
                "external_id": form.cleaned_data["external_id"], "items": items,
                "promised_date": form.cleaned_data.get("promised_date")}
        order = form.instance
        saved_as(order, order_update(order=order, **data) if change else order_create(**data))
        formset_written(lines)

    def get_urls(self):
        place = self.admin_site.admin_view(self.place_view)
        return [path("<int:pk>/place/", place, name="orders_order_place"), *super().get_urls()]

    def place_view(self, request, pk):
        """The "Place order" button of a draft's page: the same as the list's action, for one order."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        order = get_object_or_404(Order, pk=pk)
        if not self.has_change_permission(request, order):
            raise PermissionDenied
        self.place_orders(request, Order.objects.filter(pk=order.pk))
        return redirect("admin:orders_order_change", order.pk)

    @admin.action(description="Cancel selected draft orders", permissions=["change"])
    def cancel_orders(self, request, queryset):
        for order in queryset.order_by("id"):
            try:
                order_cancel(order=order)
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(request, f"{order} cancelled.", messages.SUCCESS)

    @admin.action(description="Place selected orders", permissions=["change"])
    def place_orders(self, request, queryset):
        for order in queryset.order_by("id"):
            # Placing a placed order again is safe: it only creates runs that are missing.
            try:
                order = order_place(order=order)
            except DomainError as exc:
                self.message_user(request, f"{order}: {exc.message}", messages.ERROR)
                continue
            # Runs are made by the order-placed event after commit, i.e. before order_place returned here.
            runs = order.production_runs.filter(parent_run__isnull=True).count()
            self.message_user(
                request, f"{order} placed: it has {counted(runs, 'production run')} for its designed lines.", messages.SUCCESS,
            )


@admin.register(OrderLineItem)
class OrderLineItemAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """A searchable list of lines; they are added and changed on their order's page, through the order services."""

    list_display = ["__str__", "order", "product", "variant", "quantity", "external_id"]
    list_select_related = ["order", "product", "variant"]
    list_filter = ["order__status"]
    search_fields = ["order__id__exact", "order__external_id", "title", "external_id", "product__title", "variant__sku"]
