"""The run list's own filters (root or child, whether a run's units have arrived, its due date) and its queues."""

from django.contrib import admin
from django.db.models import Q

from production import dates
from production.models import RunStatus
from production.reports import overview_filters


class RootFilter(admin.SimpleListFilter):
    title = "whole runs or parts"
    parameter_name = "root"

    def lookups(self, request, model_admin):
        return [("yes", "Whole runs"), ("no", "Parts (child runs)"), ("worked", "Runs someone works on (no children)")]

    def queryset(self, request, queryset):
        if self.value() == "worked":
            return queryset.worked()
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


class DueFilter(admin.SimpleListFilter):
    """Runs by their due date: late, due soon (today or the next two days, not started), or without one."""

    title = "due"
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("late", "Late"), ("soon", "Due soon (not started)"), ("none", "No due date")]

    def queryset(self, request, queryset):
        counts = overview_filters(dates.today())  # the overview's own conditions: its counts match the lists
        if self.value() == "late":
            return queryset.filter(counts["late"])
        if self.value() == "soon":
            return queryset.filter(counts["due_soon"])
        if self.value() == "none":
            return queryset.filter(due_date__isnull=True)
        return queryset


class FinishedFilter(admin.SimpleListFilter):
    """Runs completed lately: the dashboard's "Completed in the last 7 days" opens exactly its count's runs."""

    title = "completed"
    parameter_name = "completed"

    def lookups(self, request, model_admin):
        return [("last_7_days", "In the last 7 days")]

    def queryset(self, request, queryset):
        if self.value() == "last_7_days":
            return queryset.filter(overview_filters(dates.today())["completed_last_7_days"])
        return queryset


# --- the queues: the run list filtered to one status, with its own columns and title -----------

def in_review_queue(request) -> bool:
    return request.GET.get("status__exact") == RunStatus.PENDING_REVIEW


def in_reassignment_queue(request) -> bool:
    return request.GET.get("status__exact") == RunStatus.AWAITING_REASSIGNMENT


def list_title(request) -> str:
    """The list's title says which queue it is, not "Select production run to change"."""
    if in_review_queue(request):
        return "Review queue: runs waiting for review"
    if in_reassignment_queue(request):
        return "Handed back: runs to reassign"
    if request.GET.get("status__exact") == RunStatus.APPROVED and request.GET.get("units") == "here":
        return "Ready to dispatch"
    if request.GET.get("due") == "late":
        return "Late runs"
    return "Production runs"
