"""Helpers for the admin tests (the staff client and an allocated run are in tests/conftest.py)."""

from django.contrib.messages import get_messages
from django.urls import reverse


def run_url(run) -> str:
    return reverse("admin:production_productionrun_change", args=[run.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]
