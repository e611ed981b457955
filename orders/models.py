from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce


class Product(models.Model):
    title = models.CharField(max_length=300)
    # PROTECT: a design sold as a product is retired by its status (rejected, superseded), not deleted; deleted, the
    # product's orders would silently make no runs.
    design = models.ForeignKey("designs.Design", null=True, blank=True, on_delete=models.PROTECT, related_name="products")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class ProductVariant(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(max_length=100, unique=True)
    title = models.CharField(max_length=300, blank=True, default="")
    design = models.ForeignKey(
        "designs.Design", null=True, blank=True, on_delete=models.PROTECT, related_name="variants",
        help_text="When set, wins over the product's design.",
    )

    class Meta:
        ordering = ["product_id", "id"]

    def __str__(self) -> str:
        return f"{self.sku} – {self.title}" if self.title else self.sku


class Order(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PLACED = "placed", "Placed"
        CANCELLED = "cancelled", "Cancelled"

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    customer_email = models.EmailField()
    external_id = models.CharField(max_length=200, blank=True, default="")
    placed_at = models.DateTimeField(null=True, blank=True)
    promised_date = models.DateField(null=True, blank=True, help_text="The date promised to the customer: "
                                     "its production runs are due then.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["external_id"], condition=~Q(external_id=""), name="order_external_id_unique"),
        ]

    def __str__(self) -> str:
        return f"Order #{self.pk}" + (f" ({self.external_id})" if self.external_id else "")


class OrderLineItem(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="line_items")
    variant = models.ForeignKey(ProductVariant, null=True, blank=True, on_delete=models.PROTECT, related_name="line_items")
    quantity = models.PositiveIntegerField()
    title = models.CharField(max_length=300, blank=True, default="")
    external_id = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["order_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="line_item_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.title or self.product}"

    @property
    def design(self):
        """The design this line is made from: the variant's design wins over the product's. None: not produced.

        ``LINE_DESIGN`` says the same in SQL (for queries over many lines)."""
        if self.variant_id and self.variant.design_id:
            return self.variant.design
        return self.product.design


# OrderLineItem.design as a query expression: the variant's design, else the product's.
LINE_DESIGN = Coalesce("variant__design", "product__design")
