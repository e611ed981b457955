from django.urls import path

from production.portal import answers, materials, notifications, views

app_name = "portal"

urlpatterns = [
    path("login/", views.PortalLoginView.as_view(), name="login"),
    path("logout/", views.PortalLogoutView.as_view(), name="logout"),
    path("", views.hub, name="hub"),
    path("runs/<int:pk>/", views.run_detail, name="run-detail"),
    path("runs/<int:pk>/start/", views.run_start, name="run-start"),
    path("runs/<int:pk>/complete/", views.run_complete, name="run-complete"),
    path("runs/<int:pk>/accept/", answers.run_accept, name="run-accept"),
    path("runs/<int:pk>/decline/", answers.run_decline, name="run-decline"),
    path("runs/<int:pk>/materials/", materials.consumption_log, name="run-consumption"),
    path("settings/", answers.settings, name="settings"),
    path("tasks/<int:pk>/start/", views.task_start, name="task-start"),
    path("tasks/<int:pk>/complete/", views.task_complete, name="task-complete"),
    path("designs/", views.designs, name="designs"),
    path("payments/", views.payments, name="payments"),
    path("notifications/", notifications.notifications, name="notifications"),
    path("notifications/read/", notifications.notifications_mark_read, name="notifications-read"),
    path("notifications/<int:pk>/", notifications.notification_open, name="notification-open"),
]
