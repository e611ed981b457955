"""Production start-up refuses weak secrets; oversized bodies under /api/ answer JSON."""

import os
import subprocess
import sys

from django.conf import settings
import pytest

STRONG_KEY = "k7Qx9!vR2m#pL8wZ3nT6yB1cF5hJ0dS4gA-eU_iO*oP+qW=rY~tX"  # 52 varied characters
STRONG_WEBHOOK = "w" * 8 + "3xQ9mZ2pL7vR4nT8yB6cF1hJ5dS0gA"  # 38 characters


def _start(**env) -> subprocess.CompletedProcess:
    environ = {**os.environ, "DJANGO_DEBUG": "false", "DJANGO_ALLOWED_HOSTS": "production.example",
               "DJANGO_SETTINGS_MODULE": "config.settings", "SITE_URL": "https://production.example",
               "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", **env}
    environ = {name: value for name, value in environ.items() if value is not None}  # None: left unset
    return subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=environ,
                          cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("env, complaint", [
    ({"DJANGO_SECRET_KEY": "short", "ORDER_WEBHOOK_SECRET": STRONG_WEBHOOK}, "DJANGO_SECRET_KEY is too weak"),
    # Mail printed to the console (and the partner's notification marked sent), links to localhost.
    ({"DJANGO_SECRET_KEY": STRONG_KEY, "ORDER_WEBHOOK_SECRET": STRONG_WEBHOOK, "EMAIL_BACKEND": None},
     "EMAIL_BACKEND must be set when DJANGO_DEBUG is off"),
    ({"DJANGO_SECRET_KEY": STRONG_KEY, "ORDER_WEBHOOK_SECRET": STRONG_WEBHOOK, "SITE_URL": None},
     "SITE_URL must be set when DJANGO_DEBUG is off"),
    ({"DJANGO_SECRET_KEY": "a" * 60, "ORDER_WEBHOOK_SECRET": STRONG_WEBHOOK}, "DJANGO_SECRET_KEY is too weak"),
    ({"DJANGO_SECRET_KEY": STRONG_KEY, "ORDER_WEBHOOK_SECRET": "x"}, "ORDER_WEBHOOK_SECRET must be at least 32"),
])
def test_weak_secrets_are_refused_at_start_up_with_debug_off(env, complaint):
    started = _start(**env)
    assert started.returncode != 0 and complaint in started.stderr


def test_strong_secrets_start(db):
    started = _start(DJANGO_SECRET_KEY=STRONG_KEY, ORDER_WEBHOOK_SECRET=STRONG_WEBHOOK)
    assert started.returncode == 0, started.stderr


def test_an_oversized_body_under_api_is_a_json_400(staff_client):
    body = b'{"name": "' + b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10) + b'"}'
    response = staff_client.generic("POST", "/api/admin/designs/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
