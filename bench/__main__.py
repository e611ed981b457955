"""``python -m bench [--quick] [--sizes ...] [--repeat N] [--output FILE]``: what ``make bench`` runs."""

import os
import sys

import django
from django.core.management import call_command

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from bench.command import Command  # noqa: E402 (needs django.setup())

call_command(Command(), *sys.argv[1:])
