"""A run's materials: what it was planned to use at dispatch, and what its partner logged using.

The plan is one row per material (``RunMaterial``), set from the design's bill of
materials when the run is sent; each logged use (``Consumption``) points at a
planned row, so a material that was not planned cannot be logged. What was used
is computed from the log (``consumed``, annotated by the default manager), never
stored twice.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce

from config.money import MONEY_DIGITS, MONEY_PLACES
from config.numbers import MATERIAL_DIGITS, MATERIAL_PLACES
from production.models.run import ProductionRun

_QUANTITY = DecimalField(max_digits=MATERIAL_DIGITS + 6, decimal_places=MATERIAL_PLACES)


class RunMaterialManager(models.Manager):
    def get_queryset(self):
        """Every read carries the material and what was used of it (one query for a page of runs' plans)."""
        return (super().get_queryset().select_related("material")
                .annotate(consumed=Coalesce(Sum("consumptions__quantity"), Value(Decimal(0)), output_field=_QUANTITY))
                .order_by("material__name", "id"))


class RunMaterial(models.Model):
    run = models.ForeignKey(ProductionRun, on_delete=models.CASCADE, related_name="materials")
    material = models.ForeignKey("designs.Material", on_delete=models.PROTECT, related_name="+")
    planned = models.DecimalField(max_digits=MATERIAL_DIGITS, decimal_places=MATERIAL_PLACES)

    objects = RunMaterialManager()

    class Meta:
        verbose_name = "planned material"
        verbose_name_plural = "materials against plan"  # its admin is the materials report
        constraints = [
            models.UniqueConstraint(fields=["run", "material"], name="run_material_unique"),
            models.CheckConstraint(condition=Q(planned__gte=0), name="run_material_planned_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.planned} {self.material.unit} of {self.material.name}"

    @property
    def used_share(self) -> int | None:
        """What was used as a whole percentage of plan (the bars), None without a plan."""
        return round(self.consumed * 100 / self.planned) if self.planned else None


class ConsumptionKind(models.TextChoices):
    PRODUCTION = "production", "Used in production"
    WASTAGE = "wastage", "Wasted"


class Consumption(models.Model):
    """One use of a planned material, logged by the partner while the run is in progress."""

    run_material = models.ForeignKey(RunMaterial, on_delete=models.PROTECT, related_name="consumptions")
    kind = models.CharField(max_length=12, choices=ConsumptionKind.choices, default=ConsumptionKind.PRODUCTION)
    quantity = models.DecimalField(max_digits=MATERIAL_DIGITS, decimal_places=MATERIAL_PLACES)
    # The material's price when it was used: a later change of the catalogue does not rewrite a run's cost.
    unit_cost = models.DecimalField(max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, null=True, blank=True)
    notes = models.TextField(blank=True, default="")
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="consumption_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.quantity} of {self.run_material.material.name} ({self.get_kind_display().lower()})"
