from django import forms
from django.contrib import admin
from django.db.models import Count

from partners.models import Notification, Partner, PartnerMembership


class PartnerForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["name", "handle", "email", "roles", "is_active"]

    def clean_roles(self):
        # An emptied JSON box means "no roles", not NULL (the column is NOT NULL).
        roles = self.cleaned_data["roles"]
        if roles is None:
            return []
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise forms.ValidationError('Roles are a JSON list of words, e.g. ["cutting", "stitching"].')
        return sorted(set(roles))


class PartnerMembershipInline(admin.TabularInline):
    """Makes existing users partner users; a user belongs to at most one partner."""

    model = PartnerMembership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    form = PartnerForm
    list_display = ["name", "handle", "email", "roles", "is_active", "member_count", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "handle", "email"]
    prepopulated_fields = {"handle": ["name"]}
    inlines = [PartnerMembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    @admin.display(description="members", ordering="member_count")
    def member_count(self, obj):
        return obj.member_count


@admin.register(PartnerMembership)
class PartnerMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "partner", "role", "created_at"]
    list_filter = ["role", "partner"]
    list_select_related = ["user", "partner"]
    search_fields = ["user__username", "user__email", "partner__name"]
    autocomplete_fields = ["user", "partner"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Written by jobs (idempotent by key); staff read them, they do not compose them."""

    list_display = ["title", "partner", "created_at", "emailed_at", "read_at"]
    list_filter = ["partner", ("emailed_at", admin.EmptyFieldListFilter), ("read_at", admin.EmptyFieldListFilter)]
    list_select_related = ["partner"]
    search_fields = ["title", "body", "key", "partner__name"]
    readonly_fields = ["partner", "key", "title", "body", "link", "emailed_at", "read_at", "created_at"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False
