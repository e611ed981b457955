"""Production in Django admin: the staff's operations hub.

``runs``: the run list, queues and pages (every change a button calling a service);
``operations``: the activity log, the policy and the staff inbox; ``money``: payables; ``materials``: a run's materials and cost, the materials report; ``views`` and
``forms``: the custom pages (allocate, create, confirm templates, reassign).
"""

from production.admin import materials, money, operations, runs  # noqa: F401 (registers the model admins)
