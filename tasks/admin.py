"""Task templates are edited here, through ``tasks.services``; tasks are made by dispatch and moved by the partner.

A task's status is a protected FSM field owned by production.services, so the
task admin shows it read-only and neither adds nor deletes tasks; staff may
correct its wording (``task_reword``).
"""

from django.contrib import admin
from django.db.models import Count

from config.admin_filters import AutocompleteFilter, AutocompleteFilterMedia
from config.service_admin import ServiceAdminMixin, ViewOnlyInlineMixin, saved_as
from tasks.models import Task, TaskTemplate, TaskTemplateCategory
from tasks.services import (
    category_create,
    category_update,
    task_reword,
    template_create,
    template_delete,
    template_update,
)

TEMPLATE_FIELDS = ["name", "category", "description", "sequence", "estimated_minutes", "is_active"]


class TaskTemplateInline(ViewOnlyInlineMixin, admin.TabularInline):
    """The category's templates at a glance; each is edited on its own page (through the template services)."""

    model = TaskTemplate
    extra = 0
    fields = ["name", "sequence", "estimated_minutes", "is_active"]
    show_change_link = True


@admin.register(TaskTemplateCategory)
class TaskTemplateCategoryAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ["name", "template_count", "description", "created_at"]
    search_fields = ["name", "description"]
    inlines = [TaskTemplateInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(template_count=Count("templates"))

    @admin.display(description="templates", ordering="template_count")
    def template_count(self, obj):
        return obj.template_count

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            category_update(category=obj, name=data["name"], description=data["description"])
        else:
            saved_as(obj, category_create(name=data["name"], description=data["description"]))


@admin.register(TaskTemplate)
class TaskTemplateAdmin(ServiceAdminMixin, admin.ModelAdmin):
    fields = TEMPLATE_FIELDS
    list_display = ["name", "category", "sequence", "estimated_minutes", "is_active"]
    list_editable = ["sequence", "is_active"]
    list_filter = ["is_active", "category"]
    list_select_related = ["category"]
    search_fields = ["name", "description", "category__name"]
    ordering = ["category__name", "sequence", "id"]

    def save_model(self, request, obj, form, change):
        # Also the list's editable columns: Django saves each changed row through here.
        if change:
            template_update(template=obj, **{name: form.cleaned_data[name] for name in form.changed_data})
        else:
            saved_as(obj, template_create(**{name: form.cleaned_data[name] for name in TEMPLATE_FIELDS}))

    def delete_model(self, request, obj):
        template_delete(template=obj)

    def delete_queryset(self, request, queryset):
        for template in queryset:
            template_delete(template=template)


@admin.register(Task)
class TaskAdmin(AutocompleteFilterMedia, admin.ModelAdmin):
    list_display = ["title", "production_run", "partner", "design", "sequence", "status", "started_at", "completed_at"]
    list_filter = ["status", ("partner", AutocompleteFilter), "template__category"]
    list_select_related = ["production_run", "partner", "design"]
    search_fields = ["title", "production_run__id__exact", "partner__name", "design__name", "design__code"]
    fields = [
        "title", "description", "status", "production_run", "partner", "design", "template", "sequence",
        "started_at", "completed_at", "cancelled_at", "created_at", "updated_at",
    ]
    # Only the wording is editable: who does what and where it stands belong to the services.
    readonly_fields = [f for f in fields if f not in ("title", "description")]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        task_reword(task=obj, title=form.cleaned_data["title"], description=form.cleaned_data["description"])
