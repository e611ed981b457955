"""An allocation row: which partner takes how many units of a run, in which role and stage.

A plain value shared by the services that approve runs, the routing planner
(``production.gating``) and the forms and serializers that build assignments.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from config.money import RateType
from tasks.selectors import TemplateSelection


@dataclass(frozen=True)
class Assignment:
    partner_id: int
    quantity: int
    role: str = ""
    stage: int = 1
    # The templates the child goes out with on its own (a later stage, when released); None: staff choose.
    selection: TemplateSelection | None = None
    # The price agreed for this part (None: the design-partner link's rate for the role, if any).
    rate: Decimal | None = None
    rate_type: str = RateType.PER_UNIT
    # When this part is due (None: the run's due date, else the partner's lead time from sending).
    due_date: date | None = None
