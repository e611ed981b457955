from django.dispatch import receiver

from orders.signals import order_placed
from production.services import runs_create_for_order


@receiver(order_placed, dispatch_uid="production.runs_create_for_order")
def create_runs_for_placed_order(sender, order_id, **kwargs):
    runs_create_for_order(order_id=order_id)
