"""The product's settings, plus the bench's bare comparison view in the URLconf (``bench.urls``)."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
