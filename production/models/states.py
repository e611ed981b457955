"""The words of a run's life: its statuses, dispatch states and the reasons partners give."""

from django.db import models
from django.db.models import Q


class RunStatus(models.TextChoices):
    PENDING_REVIEW = "pending_review", "Pending review"
    APPROVED = "approved", "Approved"
    SENT_TO_PARTNER = "sent_to_partner", "Sent to partner"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    AWAITING_REASSIGNMENT = "awaiting_reassignment", "Awaiting reassignment"

    @classmethod
    def label_of(cls, value: str) -> str:
        """A status code as people read it ("sent_to_partner" -> "Sent to partner"); "" stays ""."""
        return cls(value).label if value in cls.values else value


class DeclineReason(models.TextChoices):
    """Why a run went back to staff: the partner's reason, or ``no_response`` when the reminder ladder parked it."""

    CAPACITY = "capacity", "No capacity"
    MATERIALS_UNAVAILABLE = "materials_unavailable", "Materials unavailable"
    SCHEDULING_CONFLICT = "scheduling_conflict", "Scheduling conflict"
    OTHER = "other", "Other"
    NO_RESPONSE = "no_response", "No response"


PARTNER_DECLINE_REASONS = [r for r in DeclineReason if r != DeclineReason.NO_RESPONSE]


class RejectionReason(models.TextChoices):
    """Why units were rejected at completion (the partner's or staff's word, one per completion)."""

    STITCHING_DEFECT = "stitching_defect", "Stitching defect"
    FABRIC_FLAW = "fabric_flaw", "Fabric flaw"
    COLOR_MISMATCH = "color_mismatch", "Colour mismatch"
    SIZING_ERROR = "sizing_error", "Sizing error"
    PRINT_DEFECT = "print_defect", "Print defect"
    MATERIAL_DAMAGE = "material_damage", "Material damage"
    OTHER = "other", "Other"


class ReviewDecision(models.TextChoices):
    """Staff's word on a completed sample run (the sampling loop)."""

    APPROVE = "approve", "Approved"
    REDO = "redo", "Redo requested"


class DispatchState(models.TextChoices):
    IDLE = "idle", "Not dispatched"
    AWAITING_TEMPLATES = "awaiting_templates", "Waiting for templates"
    COMPLETED = "completed", "Dispatched"


TERMINAL = (RunStatus.COMPLETED, RunStatus.CANCELLED)
NON_TERMINAL = [s for s in RunStatus.values if s not in TERMINAL]


def shortfall(status: str, quantity: int, produced: int | None, rejected: int | None) -> int | None:
    """Units neither produced nor rejected (a completed run only): missing, with its ``shortfall_reason``."""
    if status != RunStatus.COMPLETED or produced is None:
        return None
    return quantity - produced - (rejected or 0)


def sent_q(prefix: str = "") -> Q:
    """The one rule of what a partner may see: a run once sent to it (``sent_at`` is set on dispatch, never cleared).

    ``prefix`` reaches the run from a related model, e.g. ``"production_run__"`` for tasks.
    """
    return Q(**{f"{prefix}sent_at__isnull": False})
