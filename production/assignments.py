"""An allocation row: which partner takes how many units of a run, in which role.

A plain value shared by the services that approve runs, the routing planner
(``production.gating``) and the forms and serializers that build assignments.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Assignment:
    partner_id: int
    quantity: int
    role: str = ""
