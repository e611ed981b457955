"""The run list's own filters: root or child, and whether a run's units have arrived."""

from django.contrib import admin
from django.db.models import Q


class RootFilter(admin.SimpleListFilter):
    title = "root or child"
    parameter_name = "root"

    def lookups(self, request, model_admin):
        return [("yes", "Root runs"), ("no", "Child runs")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.roots()
        if self.value() == "no":
            return queryset.filter(parent_run__isnull=False)
        return queryset


class ReadyFilter(admin.SimpleListFilter):
    """Whether a run's units are there: a later stage waits for the stage before it to finish."""

    title = "stage"
    parameter_name = "units"

    def lookups(self, request, model_admin):
        return [("here", "Units here (ready)"), ("upstream", "Waiting for the previous stage")]

    def queryset(self, request, queryset):
        waiting = Q(stage__gt=1, released_at__isnull=True)
        if self.value() == "here":
            return queryset.exclude(waiting)
        if self.value() == "upstream":
            return queryset.filter(waiting)
        return queryset
