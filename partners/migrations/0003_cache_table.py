"""The database cache's table (config.settings CACHES without Redis): what the login rate limit counts in."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)  # idempotent


class Migration(migrations.Migration):
    dependencies = [("partners", "0002_partner_auto_accept")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
