"""Production's models: the run (``run``), its log (``activity``), payables (``money``), materials
(``materials``), the policy and the staff inbox."""

from production.models.activity import ActivityVerb, ProductionRunActivity
from production.models.inbox import Alert, AlertKind
from production.models.materials import Consumption, ConsumptionKind, RunMaterial
from production.models.money import Payable, PayableKind, PayableStatus
from production.models.policy import ProductionPolicy
from production.models.queries import ProductionRunQuerySet
from production.models.run import ProductionRun
from production.models.states import (
    NON_TERMINAL,
    PARTNER_DECLINE_REASONS,
    TERMINAL,
    DeclineReason,
    DispatchState,
    RejectionReason,
    ReviewDecision,
    RunStatus,
    sent_q,
    shortfall,
)

__all__ = [
    "NON_TERMINAL",
    "PARTNER_DECLINE_REASONS",
    "TERMINAL",
    "ActivityVerb",
    "Alert",
    "AlertKind",
    "Consumption",
    "ConsumptionKind",
    "DeclineReason",
    "DispatchState",
    "Payable",
    "PayableKind",
    "PayableStatus",
    "ProductionPolicy",
    "ProductionRun",
    "ProductionRunActivity",
    "ProductionRunQuerySet",
    "RejectionReason",
    "ReviewDecision",
    "RunMaterial",
    "RunStatus",
    "sent_q",
    "shortfall",
]
