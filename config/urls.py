from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.errors import api_not_found
from designs.api import designs as designs_api
from designs.api import materials as materials_api
from orders import api as orders_api
from partners import api as partners_api
from production.urls import admin_urlpatterns as production_admin
from production.urls import partner_urlpatterns as production_partner
from tasks import api as tasks_api

admin_api = [
    path("partners/", partners_api.PartnerListCreate.as_view(), name="partner-list"),
    path("partners/<int:pk>/", partners_api.PartnerDetail.as_view(), name="partner-detail"),
    path("designs/", designs_api.DesignListCreate.as_view(), name="design-list"),
    path("designs/<int:pk>/", designs_api.DesignDetail.as_view(), name="design-detail"),
    path("designs/<int:pk>/partners/", designs_api.DesignPartnerLink.as_view(), name="design-partner-link"),
    path("designs/<int:pk>/materials/", materials_api.DesignMaterials.as_view(), name="design-materials"),
    path("materials/", materials_api.MaterialListCreate.as_view(), name="material-list"),
    path("materials/<int:pk>/", materials_api.MaterialDetail.as_view(), name="material-detail"),
    path("products/", orders_api.ProductListCreate.as_view(), name="product-list"),
    path("products/<int:pk>/", orders_api.ProductDetail.as_view(), name="product-detail"),
    path("orders/", orders_api.OrderListCreate.as_view(), name="order-list"),
    path("orders/<int:pk>/", orders_api.OrderDetail.as_view(), name="order-detail"),
    path("orders/<int:pk>/place", orders_api.OrderPlace.as_view(), name="order-place"),
    path("task-template-categories/", tasks_api.CategoryListCreate.as_view(), name="category-list"),
    path("task-template-categories/<int:pk>/", tasks_api.CategoryDetail.as_view(), name="category-detail"),
    path("task-templates/", tasks_api.TemplateListCreate.as_view(), name="template-list"),
    path("task-templates/<int:pk>/", tasks_api.TemplateDetail.as_view(), name="template-detail"),
    path("tasks/", tasks_api.TaskList.as_view(), name="task-list"),
    *production_admin,
]

partner_api = [
    path("me/", partners_api.PartnerMe.as_view(), name="partner-me"),
    path("designs/", designs_api.PartnerDesignList.as_view(), name="partner-design-list"),
    *production_partner,
]

api = [
    path("auth/token/", partners_api.TokenLogin.as_view(), name="token"),
    path("auth/logout/", partners_api.Logout.as_view(), name="logout"),
    path("admin/", include((admin_api, "admin-api"))),
    path("partners/", include((partner_api, "partner-api"))),
    path("webhooks/", include("orders.webhook_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script for the CSP to refuse.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    re_path(r"^(?P<unmatched>(?s:.*))$", api_not_found),  # last: every other /api/ address (config.errors)
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include(api)),
    path("portal/", include("production.portal.urls")),
    path("", include("production.portal.root_urls")),
]

handler400 = "config.errors.bad_request"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
