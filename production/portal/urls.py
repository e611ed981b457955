from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import TemplateView

app_name = "portal"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", TemplateView.as_view(template_name="portal/hub.html"), name="hub"),
    path("runs/<int:pk>/", TemplateView.as_view(template_name="portal/hub.html"), name="run-detail"),
]
