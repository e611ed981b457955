"""Partners and their people in admin. Every save goes through ``partners.services``.

A partner is created with its owner user (``partner_create``), so the add
page asks for the owner's email and password; people join a partner through
"Add partner user" (``partner_user_create``) and leave through
``partner_user_remove``, which also ends their login.
"""

import json

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from config.admin_filters import AutocompleteFilter, AutocompleteFilterMedia
from config.service_admin import ServiceAdminMixin, ViewOnlyInlineMixin, saved_as
from partners.models import Notification, Partner, PartnerMembership
from partners.services import (
    LOGIN_EMAIL_MAX_LENGTH,
    PARTNER_EDITABLE_FIELDS,
    partner_create,
    partner_update,
    partner_user_create,
    partner_user_remove,
    partner_user_set_role,
)


class RolesField(forms.CharField):
    """Roles as people write them, "cutting, stitching" (a JSON list, as the box took before, is read too)."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        text = super().to_python(value).strip()
        if text.startswith(("[", "{")):  # JSON, as the box took before: a list of words only
            try:
                roles = json.loads(text)
            except ValueError:
                roles = None
            if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
                raise forms.ValidationError("Write the roles as words separated by commas, e.g. cutting, stitching.")
            return [r.strip() for r in roles if r.strip()]
        return [word.strip() for word in text.split(",") if word.strip()]

    def has_changed(self, initial, data):
        return sorted(initial or []) != sorted(self.to_python(data))


class PartnerForm(forms.ModelForm):
    roles = RolesField(required=False, widget=forms.TextInput(attrs={"class": "vTextField"}),
                       help_text="The roles this partner takes, separated by commas: e.g. cutting, stitching.")
    # Optional on the form (a page or script from before it sends none): empty means the usual 14 days.
    lead_time_days = forms.IntegerField(
        required=False, min_value=0, max_value=365, initial=14, label="Lead time (days)",
        help_text="Days this partner usually needs: a run sent without a due date is due this many days later.")

    class Meta:
        model = Partner
        fields = list(PARTNER_EDITABLE_FIELDS)

    def clean_lead_time_days(self):
        days = self.cleaned_data["lead_time_days"]
        return Partner._meta.get_field("lead_time_days").default if days is None else days


class PartnerAddForm(PartnerForm):
    """A partner is never without someone who can log in: its owner comes with it."""

    owner_email = forms.EmailField(max_length=LOGIN_EMAIL_MAX_LENGTH, help_text="The owner logs in to the portal with this address.")
    owner_password = forms.CharField(widget=forms.PasswordInput,  # never sent back in a page with errors
                                     help_text="For the owner's first log-in. If the page comes back with an "
                                               "error, type it again: it is not kept.")
    owner_first_name = forms.CharField(required=False, max_length=150)
    owner_last_name = forms.CharField(required=False, max_length=150)


class PartnerMembershipInline(ViewOnlyInlineMixin, admin.TabularInline):
    """The partner's people: add them with "Add partner user", remove them from their own page."""

    model = PartnerMembership
    extra = 0
    fields = ["user", "role", "created_at"]
    show_change_link = True


@admin.register(Partner)
class PartnerAdmin(ServiceAdminMixin, admin.ModelAdmin):
    form = PartnerForm
    add_form = PartnerAddForm
    list_display = ["name", "handle", "email", "roles_in_words", "is_active", "member_count", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "handle", "email"]
    prepopulated_fields = {"handle": ["name"]}
    inlines = [PartnerMembershipInline]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, change=change, **kwargs)

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []  # a new partner's only person is its owner, below

    def get_fields(self, request, obj=None):
        fields = list(PARTNER_EDITABLE_FIELDS)
        if obj is None:
            fields += ["owner_email", "owner_password", "owner_first_name", "owner_last_name"]
        return fields

    def get_queryset(self, request):
        # An aggregate drops Meta.ordering: say it again, or the partner search would page in no stable order.
        return super().get_queryset(request).annotate(member_count=Count("memberships")).order_by("name", "id")

    @admin.display(description="roles")
    def roles_in_words(self, obj):
        return ", ".join(obj.roles) or "—"

    @admin.display(description="members", ordering="member_count")
    def member_count(self, obj):
        return obj.member_count

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in PARTNER_EDITABLE_FIELDS}
        if change:
            partner_update(partner=obj, **{name: data[name] for name in form.changed_data if name in data})
            return
        owner = {"email": form.cleaned_data["owner_email"], "password": form.cleaned_data["owner_password"],
                 "first_name": form.cleaned_data["owner_first_name"],
                 "last_name": form.cleaned_data["owner_last_name"]}
        saved_as(obj, partner_create(owner=owner, **data))

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: runs and tasks keep pointing at the partner


class PartnerUserAddForm(forms.ModelForm):
    """A new partner user: the login (email + password) and the membership, made together by the service."""

    email = forms.EmailField(max_length=LOGIN_EMAIL_MAX_LENGTH, help_text="The person logs in to the portal with this address.")
    password = forms.CharField(widget=forms.PasswordInput,  # never sent back in a page with errors
                               help_text="If the page comes back with an error, type it again: it is not kept.")
    first_name = forms.CharField(required=False, max_length=150)
    last_name = forms.CharField(required=False, max_length=150)

    class Meta:
        model = PartnerMembership
        fields = ["partner", "role"]


@admin.register(PartnerMembership)
class PartnerMembershipAdmin(AutocompleteFilterMedia, ServiceAdminMixin, admin.ModelAdmin):
    """Partner users: added with a login (email + password), changed in role only, removed with their login."""

    list_display = ["user", "partner", "role", "user_active", "created_at"]
    list_filter = ["role", ("partner", AutocompleteFilter)]
    autocomplete_fields = ["partner"]
    list_select_related = ["user", "partner"]
    search_fields = ["user__username", "user__email", "partner__name"]

    @admin.display(boolean=True, description="can log in")
    def user_active(self, membership):
        return membership.user.is_active

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = PartnerUserAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["partner", "email", "password", "role", "first_name", "last_name"]
        return ["user_link", "partner", "role", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        return ["user_link", "partner", "created_at"] if obj is not None else []

    @admin.display(description="user")
    def user_link(self, membership):
        url = reverse("admin:auth_user_change", args=[membership.user_id])
        return format_html('<a href="{}">{}</a>', url, membership.user)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            partner_user_set_role(membership=obj, role=data["role"])
            return
        saved_as(obj, partner_user_create(
            partner=data["partner"], email=data["email"], password=data["password"], role=data["role"],
            first_name=data["first_name"], last_name=data["last_name"],
        ))

    def delete_model(self, request, obj):
        partner_user_remove(membership=obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user"):
            partner_user_remove(membership=membership)


@admin.register(Notification)
class NotificationAdmin(AutocompleteFilterMedia, admin.ModelAdmin):
    """Written by jobs (idempotent by key); staff read them, they do not compose them."""

    list_display = ["title", "partner", "created_at", "emailed_at", "read_at"]
    list_filter = [("partner", AutocompleteFilter), ("emailed_at", admin.EmptyFieldListFilter), ("read_at", admin.EmptyFieldListFilter)]
    list_select_related = ["partner"]
    search_fields = ["title", "body", "key", "partner__name"]
    readonly_fields = ["partner", "key", "title", "body", "link", "emailed_at", "read_at", "created_at"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False
