from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from config.money import MONEY_DIGITS, MONEY_PLACES, RateType
from config.numbers import MATERIAL_DIGITS, MATERIAL_PLACES


class Design(models.Model):
    class Status(models.TextChoices):
        CONCEPTUAL = "conceptual", "Conceptual"
        IN_DEVELOPMENT = "in_development", "In development"
        TECHNICAL_REVIEW = "technical_review", "Technical review"
        SAMPLE_PRODUCTION = "sample_production", "Sampling"
        REVISION = "revision", "In revision"
        APPROVED = "approved", "Approved"
        COMMERCE_READY = "commerce_ready", "Ready for commerce"
        ON_HOLD = "on_hold", "On hold"
        REJECTED = "rejected", "Rejected"
        SUPERSEDED = "superseded", "Superseded"

    name = models.CharField(max_length=200)
    code = models.CharField(max_length=100, blank=True, default="")
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.CONCEPTUAL, db_index=True)
    specs = models.JSONField(default=dict, blank=True)
    routing = models.JSONField(
        null=True, blank=True,
        help_text='Default routing for automatic dispatch: {"assignments": [{"partner": id, "role": text, '
        '"share": relative weight, "stage": 1, 2, … (optional), "rate": "12.50" and "rate_type": "per_unit" or '
        '"total" (optional)}], "template_category": id, "template_ids": [id]}. '
        "Each stage's shares split the whole quantity (a share is a weight: 1 and 3 give a quarter and three "
        "quarters); later stages go out when the one before is finished. Without a rate, the partner's agreed "
        "rate for the design and role applies.",
    )
    partners = models.ManyToManyField("partners.Partner", through="DesignPartner", related_name="designs", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="design_code_unique_when_set"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})" if self.code else self.name


class DesignPartner(models.Model):
    """A partner works on a design (in a role); it then sees the design in its hub."""

    design = models.ForeignKey(Design, on_delete=models.CASCADE, related_name="partner_links")
    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="design_links")
    role = models.CharField(max_length=100, blank=True, default="")
    # The rate agreed with the partner for this design (and role): the default of its runs' rates.
    rate = models.DecimalField(max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, null=True, blank=True,
                               help_text="Agreed price, in the installation's currency.")
    rate_type = models.CharField(max_length=10, choices=RateType.choices, default=RateType.PER_UNIT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["design_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["design", "partner", "role"], name="design_partner_role_unique"),
            models.CheckConstraint(condition=Q(rate__isnull=True) | Q(rate__gte=0), name="design_partner_rate_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.design} – {self.partner}" + (f" ({self.role})" if self.role else "")


class DesignActivity(models.Model):
    """A design's history: each change of its status, who made it and why (a sample's review, an edit).

    ``data`` carries what the change came from (``{"run": id, "decision": ...}`` for a review); designs
    knows nothing of runs, so it is plain data. ``actor`` None is the system.
    """

    design = models.ForeignKey(Design, on_delete=models.CASCADE, related_name="activities")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    from_status = models.CharField(max_length=30, choices=Design.Status.choices, blank=True, default="")
    to_status = models.CharField(max_length=30, choices=Design.Status.choices, blank=True, default="")
    note = models.TextField(blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "design activities"

    def __str__(self) -> str:
        return f"{self.design}: {self.get_from_status_display() or '—'} → {self.get_to_status_display()}"


class MaterialUnit(models.TextChoices):
    METRE = "m", "metres"
    KILOGRAM = "kg", "kilograms"
    GRAM = "g", "grams"
    PIECE = "pcs", "pieces"
    CONE = "cone", "cones"
    LITRE = "l", "litres"


class Material(models.Model):
    """What garments are made of (a fabric, a thread, buttons), in one unit, at a cost per unit.

    The catalogue sits with designs because a design's bill of materials names it;
    production plans and logs it per run (``production.models.materials``).
    """

    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=4, choices=MaterialUnit.choices)
    unit_cost = models.DecimalField(max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, null=True, blank=True,
                                    help_text="Price of one unit, in the installation's currency (empty: not priced).")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="material_name_unique"),
            models.CheckConstraint(condition=Q(unit_cost__isnull=True) | Q(unit_cost__gte=0),
                                   name="material_unit_cost_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_unit_display()})"


class BillOfMaterialsLine(models.Model):
    """How much of a material one piece of a design needs, for the runs of one role (blank: the first stage)."""

    design = models.ForeignKey(Design, on_delete=models.CASCADE, related_name="bill_of_materials")
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="bill_lines")
    quantity_per_piece = models.DecimalField(max_digits=MATERIAL_DIGITS, decimal_places=MATERIAL_PLACES)
    role = models.CharField(max_length=100, blank=True, default="",
                            help_text="The runs of this role use it (cutting, stitching…); blank: the first stage's.")

    class Meta:
        ordering = ["design_id", "id"]
        verbose_name = "bill of materials line"
        constraints = [
            models.UniqueConstraint(fields=["design", "material", "role"], name="bill_line_unique"),
            models.CheckConstraint(condition=Q(quantity_per_piece__gt=0), name="bill_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity_per_piece} {self.material.unit} of {self.material.name} per piece"
