"""The run list's computed columns (and the run page's ``due``): people's words for what the fields hold."""

from django.contrib import admin
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince

from designs.models import Design
from designs.specs import spec_rows
from production.admin import views as admin_views
from production.models import DispatchState
from tasks.models import TaskTemplate

# A run's metadata in words: where it came from, then what the source recorded.
SOURCES = {"order.placed": "a placed order", "manual": "created by staff", "remake": "a remake",
           "redo": "a sample's redo", "sampling": "sent for sampling"}
METADATA_KEYS = {"order_external_id": "order's external id", "line_external_id": "line's external id",
                 "remake_of": "remake of run", "redo_of": "redo of run"}


class RunColumns:
    @admin.display(description="source")
    def provenance(self, run):
        """``metadata`` read out: the source by name, each key with its label (a client's own keys as they are)."""
        metadata = run.metadata if isinstance(run.metadata, dict) else {}
        source = metadata.get("source")
        rows = [("from", SOURCES.get(source, source))] if source else []
        known = [key for key in METADATA_KEYS if key in metadata]  # in this order (the database sorts keys)
        others = sorted(key for key in metadata if key not in METADATA_KEYS and key != "source")
        rows += [(METADATA_KEYS.get(key, key.replace("_", " ")), metadata[key]) for key in known + others
                 if metadata[key] not in ("", None)]
        return format_html_join(mark_safe("<br>"), "{}: {}", rows) or "—"

    @admin.display(description="handed back because", ordering="decline_reason")
    def handed_back_because(self, run):
        reason = run.get_decline_reason_display() or "—"
        return f"{reason}: {run.decline_notes}" if run.decline_notes else reason

    @admin.display(description="waiting for", ordering="declined_at")
    def waiting_for(self, run):
        return f"{timesince(run.declined_at)}" if run.declined_at else "—"

    @admin.display(description="partner", ordering="partner__name")
    def partner_role(self, run):
        if run.partner_id is None:
            return "—"
        return f"{run.partner} ({run.role})" if run.role else str(run.partner)

    @admin.display(description="whole / part", ordering="parent_run_id")
    def family(self, run):
        if run.parent_run_id is None:
            return "whole run"
        return format_html('<a href="{}">part of #{}</a>', admin_views.run_url(run.parent_run_id), run.parent_run_id)

    @admin.display(description="status", ordering="status")
    def state(self, run):
        """The status and, while a dispatch is under way, where it is: "Approved · waiting for templates"."""
        if run.dispatch_state != DispatchState.AWAITING_TEMPLATES:
            return run.get_status_display()
        return f"{run.get_status_display()} · {run.get_dispatch_state_display().lower()}"

    @admin.display(description="templates used")
    def templates_used(self, run):
        """The templates the run was dispatched with, by name and in their order (not their ids)."""
        if not run.template_ids:
            return "—"
        names = dict(TaskTemplate.objects.filter(pk__in=run.template_ids).values_list("pk", "name"))
        return ", ".join(names.get(pk, f"a template since deleted (#{pk})") for pk in run.template_ids)

    @admin.display(description="due", ordering="due_date")
    def due(self, run):
        if run.due_date is None:
            return "—"
        if run.is_late:
            return format_html('<strong style="color:#ba2121">{} · late</strong>', f"{run.due_date:%-d %b %Y}")
        if run.completed_late:
            return f"{run.due_date:%-d %b %Y} (finished late)"
        return f"{run.due_date:%-d %b %Y}"

    @admin.display(description="design as captured")
    def design_as_captured(self, run):
        """The design the run was made from, in words (specs as rows, the routing named); the JSON is below."""
        snapshot = run.snapshot if isinstance(run.snapshot, dict) else {}
        status = snapshot.get("status", "")
        return render_to_string("admin/production/_design_as_captured.html", {
            "snapshot": snapshot, "specs": spec_rows(snapshot.get("specs")),
            "status": Design.Status(status).label if status in Design.Status.values else status or "—",
            "captured_at": run.captured_at,
        })

    @admin.display(description="shortfall quantity")
    def shortfall(self, run):
        """Pieces neither good nor rejected (a property: the admin would print Python's None for none yet)."""
        return "—" if run.shortfall_quantity is None else run.shortfall_quantity

