from django.urls import path

from production import api

admin_urlpatterns = [
    path("production-runs/", api.RunListCreate.as_view(), name="run-list"),
    path("production-runs/<int:pk>/", api.RunDetail.as_view(), name="run-detail"),
    path("production-runs/<int:pk>/approve", api.RunApprove.as_view(), name="run-approve"),
    path("production-runs/<int:pk>/dispatch", api.RunDispatch.as_view(), name="run-dispatch"),
    path("production-runs/<int:pk>/dispatch/confirm", api.RunDispatchConfirm.as_view(), name="run-dispatch-confirm"),
    path("production-runs/<int:pk>/dispatch/cancel", api.RunDispatchCancel.as_view(), name="run-dispatch-cancel"),
    path("production-runs/<int:pk>/cancel", api.RunCancel.as_view(), name="run-cancel"),
    path("production-runs/<int:pk>/activities/", api.RunActivities.as_view(), name="run-activities"),
    path("designs/<int:pk>/production-runs/", api.DesignRunCreate.as_view(), name="design-run-create"),
    path("production-policy/", api.Policy.as_view(), name="policy"),
]

partner_urlpatterns = [
    path("production-runs/", api.PartnerRunList.as_view(), name="partner-run-list"),
    path("production-runs/<int:pk>/", api.PartnerRunDetail.as_view(), name="partner-run-detail"),
    path("production-runs/<int:pk>/start", api.PartnerRunStart.as_view(), name="partner-run-start"),
    path("production-runs/<int:pk>/complete", api.PartnerRunComplete.as_view(), name="partner-run-complete"),
    path("tasks/", api.PartnerTaskList.as_view(), name="partner-task-list"),
    path("tasks/<int:pk>/", api.PartnerTaskDetail.as_view(), name="partner-task-detail"),
    path("tasks/<int:pk>/start", api.PartnerTaskStart.as_view(), name="partner-task-start"),
    path("tasks/<int:pk>/complete", api.PartnerTaskComplete.as_view(), name="partner-task-complete"),
]
