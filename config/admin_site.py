"""The admin site: the product's name, and daily work listed before the system's tables.

Operations staff open the admin to work on production, orders, designs and partners;
logins, lockouts, queued jobs and tokens are there for whoever runs the system, so they
come last, under "System: …".
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig

DAILY_WORK = ["production", "orders", "designs", "partners", "tasks"]


class ProductionAdminSite(admin.AdminSite):
    site_header = "Production hub · operations"
    site_title = "Production hub"
    index_title = "Operations"
    # The home page is the map (the dashboard, then every table); Django's sidebar repeated it and took
    # 300 px from every list: at 1366 px the run list lost its last columns behind the filters.
    enable_nav_sidebar = False

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        for app in apps:
            if app["app_label"] not in DAILY_WORK:
                app["name"] = f"System: {app['name']}"

        def order(app):
            label = app["app_label"]
            return (0, DAILY_WORK.index(label)) if label in DAILY_WORK else (1, app["name"].lower())

        return sorted(apps, key=order)


class ProductionAdminConfig(AdminConfig):
    default_site = "config.admin_site.ProductionAdminSite"
