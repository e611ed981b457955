"""The database's word on a run: what no code path may break, whatever calls it (tests try them directly)."""

from django.db import models
from django.db.models import F, Q

from production.models.states import RunStatus

RUN_CONSTRAINTS = [
    # A later stage's child whose share of the good output is 0 is cancelled with quantity 0.
    models.CheckConstraint(
        condition=Q(quantity__gt=0) | Q(quantity=0, status=RunStatus.CANCELLED, parent_run__isnull=False),
        name="run_quantity_positive",
    ),
    models.CheckConstraint(condition=Q(stage__gte=1), name="run_stage_from_one"),
    models.CheckConstraint(
        condition=Q(review_decision="", reviewed_at__isnull=True)
        | (Q(reviewed_at__isnull=False, run_type="sample", status=RunStatus.COMPLETED) & ~Q(review_decision="")),
        name="review_only_of_a_completed_sample",
    ),
    models.CheckConstraint(condition=Q(redo_of__isnull=True) | Q(run_type="sample"), name="redo_is_a_sample"),
    models.CheckConstraint(condition=Q(rate__isnull=True) | Q(rate__gte=0), name="run_rate_not_negative"),
    models.UniqueConstraint(
        fields=["order_line_item"],
        condition=Q(parent_run__isnull=True, order_line_item__isnull=False),
        name="one_root_run_per_line_item",
    ),
    models.CheckConstraint(
        condition=Q(parent_run__isnull=True) | Q(order_line_item__isnull=True),
        name="child_run_has_no_line_item",
    ),
    # A parent is created before its children: lock_family locks a family in id order, parent first.
    models.CheckConstraint(condition=Q(parent_run__isnull=True) | Q(parent_run__lt=F("id")),
                           name="parent_run_before_child"),
    # An allocation gives a partner a role once per stage. A run handed on later (it has a previous partner) may go
    # to a partner who has that role already: declined cutting goes to the other cutter, as a second batch.
    models.UniqueConstraint(
        fields=["parent_run", "stage", "partner", "role"],
        condition=Q(parent_run__isnull=False, previous_partner__isnull=True),
        name="child_run_unique_partner_role",
    ),
    models.CheckConstraint(
        condition=Q(produced_quantity__isnull=True)
        | Q(rejected_quantity__isnull=True)
        | Q(produced_quantity__lte=F("quantity") - F("rejected_quantity")),
        name="run_produced_plus_rejected_within_quantity",
    ),
    ]
