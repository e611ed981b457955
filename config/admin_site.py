"""The admin site: the product's name, and daily work listed before the system's tables.

Operations staff open the admin to work on production, orders, designs and partners;
logins, lockouts, queued jobs and tokens are there for whoever runs the system, so they
come last, under "System: …".
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.views.autocomplete import AutocompleteJsonView

DAILY_WORK = ["production", "orders", "designs", "partners", "tasks"]


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    """The admin's search-as-you-type results, named by the object's ``choice_label`` where it has one (a
    partner with its roles). ``?active=1`` in the widget's URL keeps to objects that are active (the pickers
    of work to give: allocate, reassign, sample); the list filters search them all."""

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.request.GET.get("active") == "1" and any(f.name == "is_active" for f in queryset.model._meta.fields):
            queryset = queryset.filter(is_active=True)
        return queryset

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        label = getattr(obj, "choice_label", None)
        return {**result, "text": label} if label else result


class ProductionAdminSite(admin.AdminSite):
    site_header = "Production hub · operations"
    site_title = "Production hub"
    index_title = "Operations"
    # The home page is the map (the dashboard, then every table); Django's sidebar repeated it and took
    # 300 px from every list: at 1366 px the run list lost its last columns behind the filters.
    enable_nav_sidebar = False
    # No "View site" link: the site beside the admin is the partners' portal, which refuses staff.
    site_url = None

    def autocomplete_view(self, request):
        return LabelledAutocompleteJsonView.as_view(admin_site=self)(request)

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
