"""The product's URLs plus the benchmark's bare comparison view.

Served only by the gunicorn that ``manage.py bench`` starts (with
``DJANGO_ROOT_URLCONF=config.bench_urls``); the product never routes it.
"""

from django.urls import path

from config.urls import handler404, handler500  # noqa: F401 (same error pages)
from config.urls import urlpatterns as product_urlpatterns
from production.bench_views import bare_runs

urlpatterns = [
    path("bench/bare-runs/", bare_runs, name="bench-bare-runs"),
    *product_urlpatterns,
]
