from django.dispatch import Signal

# Sent after the transaction that placed an order commits. kwargs: order_id.
order_placed = Signal()
