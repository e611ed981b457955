"""Materials in Django admin: a run's materials and cost on its page, and the materials report.

The report is the admin of ``RunMaterial`` (``Materials against plan`` in the
sidebar): its list is the report page, read-only, filtered with the API's form
(``production.forms.MaterialsReportForm``) and exported with the API's CSV.
"""

from collections import defaultdict
from decimal import Decimal

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.urls import path, reverse

from config.money import currency
from production.admin.views import render_page
from production.costing import MaterialRow, materials_report, run_cost
from production.exports import materials_csv
from production.forms import MaterialsReportForm
from production.models import ProductionRun, RunMaterial

PAGE_SIZE = 100


def run_materials(run: ProductionRun, *, parent: bool) -> list[MaterialRow]:
    """A run's planned materials, used against plan: its own, or (a parent) its children's."""
    lines = RunMaterial.objects.select_related("run__partner")
    if parent:
        lines = lines.filter(run__parent_run=run).order_by("run__stage", "run_id", "material__name")
    else:
        lines = lines.filter(run=run)
    return materials_report(lines)


def run_page_context(run: ProductionRun) -> dict:
    """What the run page shows of its materials and its cost."""
    parent = run.children.exists()
    return {"material_rows": run_materials(run, parent=parent), "cost": run_cost(run), "is_parent": parent}


def per_partner(lines) -> list[dict]:
    """Each partner's use of each material against plan over ``lines`` (one query), for the report's bars."""
    sums = defaultdict(lambda: {"planned": Decimal(0), "consumed": Decimal(0)})
    for line in lines.values("run__partner__name", "material__name", "material__unit", "planned", "consumed"):
        key = (line["run__partner__name"], line["material__name"], line["material__unit"])
        sums[key]["planned"] += line["planned"]
        sums[key]["consumed"] += line["consumed"]
    rows = []
    for (partner, material, unit), figures in sorted(sums.items()):
        share = round(figures["consumed"] * 100 / figures["planned"]) if figures["planned"] else None
        rows.append({"partner": partner, "material": material, "unit": unit, **figures, "share": share,
                     "width": min(share or 0, 150) / 1.5, "over": share is not None and share > 110})
    return rows


@admin.register(RunMaterial)
class MaterialsReportAdmin(admin.ModelAdmin):
    """The report page in place of a list: nothing here is added, changed or deleted by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [path("export.csv", wrap(self.export_view), name="production_runmaterial_export"), *super().get_urls()]

    def _form(self, request) -> MaterialsReportForm:
        # The page's form sends every field, empty ones too: empty means "every".
        return MaterialsReportForm({key: value for key, value in request.GET.items() if value})

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = self._form(request)
        valid = form.is_valid()
        lines = form.lines() if valid else RunMaterial.objects.none()
        page = Paginator(lines, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return render_page(
            request, self, "admin/production/materials_report.html", "Materials used against plan",
            form=form, rows=materials_report(page.object_list), page=page, query=query.urlencode(),
            partners=per_partner(lines) if valid else [], currency=currency(),
            export_url=f"{reverse('admin:production_runmaterial_export')}?{query.urlencode()}",
        )

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = self._form(request)
        response = HttpResponse(materials_csv(form.lines() if form.is_valid() else RunMaterial.objects.none()),
                                content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="materials.csv"'
        return response
