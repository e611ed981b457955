"""Webhooks from outside systems, mounted at /api/webhooks/ (authenticated by signature, not by user)."""

from django.urls import path

from orders.webhook import OrderPlacedWebhook

urlpatterns = [
    path("orders/placed", OrderPlacedWebhook.as_view(), name="webhook-order-placed"),
]
