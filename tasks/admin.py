"""Task templates are edited here; tasks are made by dispatch and moved by the partner.

A task's status is a protected FSM field owned by production.services, so the
task admin shows it read-only and neither adds nor deletes tasks.
"""

from django.contrib import admin
from django.db.models import Count

from tasks.models import Task, TaskTemplate, TaskTemplateCategory


class TaskTemplateInline(admin.TabularInline):
    model = TaskTemplate
    extra = 0
    fields = ["name", "sequence", "estimated_minutes", "is_active"]
    show_change_link = True


@admin.register(TaskTemplateCategory)
class TaskTemplateCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "template_count", "description", "created_at"]
    search_fields = ["name", "description"]
    inlines = [TaskTemplateInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(template_count=Count("templates"))

    @admin.display(description="templates", ordering="template_count")
    def template_count(self, obj):
        return obj.template_count


@admin.register(TaskTemplate)
class TaskTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "sequence", "estimated_minutes", "is_active"]
    list_editable = ["sequence", "is_active"]
    list_filter = ["is_active", "category"]
    list_select_related = ["category"]
    search_fields = ["name", "description", "category__name"]
    ordering = ["category__name", "sequence", "id"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["title", "production_run", "partner", "design", "sequence", "status", "started_at", "completed_at"]
    list_filter = ["status", "partner", "template__category"]
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
