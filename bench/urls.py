"""The product's URLs plus the bench's bare comparison view, served only by the bench's gunicorn."""

from django.urls import path

from bench.views import bare_runs
from config.urls import handler400, handler404, handler500  # noqa: F401 (same error pages)
from config.urls import urlpatterns as product_urlpatterns

urlpatterns = [
    path("bench/bare-runs/", bare_runs, name="bench-bare-runs"),
    *product_urlpatterns,
]
