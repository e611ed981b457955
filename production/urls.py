from django.urls import path

from production.api import operations, partner, sampling, staff, units

admin_urlpatterns = [
    path("production-runs/", staff.RunListCreate.as_view(), name="run-list"),
    path("production-runs/<int:pk>/", staff.RunDetail.as_view(), name="run-detail"),
    path("production-runs/<int:pk>/approve", staff.RunApprove.as_view(), name="run-approve"),
    path("production-runs/<int:pk>/dispatch", staff.RunDispatch.as_view(), name="run-dispatch"),
    path("production-runs/<int:pk>/dispatch/confirm", staff.RunDispatchConfirm.as_view(), name="run-dispatch-confirm"),
    path("production-runs/<int:pk>/dispatch/cancel", staff.RunDispatchCancel.as_view(), name="run-dispatch-cancel"),
    path("production-runs/<int:pk>/cancel", staff.RunCancel.as_view(), name="run-cancel"),
    path("production-runs/<int:pk>/reassign", staff.RunReassign.as_view(), name="run-reassign"),
    path("production-runs/<int:pk>/ledger", units.RunLedger.as_view(), name="run-ledger"),
    path("production-runs/<int:pk>/complete", units.RunCompleteForPartner.as_view(), name="run-complete"),
    path("production-runs/<int:pk>/correct-output", units.RunCorrectOutput.as_view(), name="run-correct-output"),
    path("production-runs/<int:pk>/remake", units.RunRemake.as_view(), name="run-remake"),
    path("production-runs/<int:pk>/review", sampling.RunReview.as_view(), name="run-review"),
    path("production-runs/redispatch", staff.RunsRedispatch.as_view(), name="runs-redispatch"),
    path("production-runs/<int:pk>/activities/", staff.RunActivities.as_view(), name="run-activities"),
    path("designs/<int:pk>/production-runs/", staff.DesignRunCreate.as_view(), name="design-run-create"),
    path("designs/<int:pk>/samples/", sampling.DesignSamples.as_view(), name="design-samples"),
    path("production-policy/", operations.Policy.as_view(), name="policy"),
    path("production-policy/reminders/run", operations.ReminderCheck.as_view(), name="policy-reminders-run"),
    path("inbox/", operations.Inbox.as_view(), name="inbox"),
    path("inbox/<int:pk>/read", operations.InboxRead.as_view(), name="inbox-read"),
]

partner_urlpatterns = [
    path("production-runs/", partner.PartnerRunList.as_view(), name="partner-run-list"),
    path("production-runs/<int:pk>/", partner.PartnerRunDetail.as_view(), name="partner-run-detail"),
    path("production-runs/<int:pk>/start", partner.PartnerRunStart.as_view(), name="partner-run-start"),
    path("production-runs/<int:pk>/complete", partner.PartnerRunComplete.as_view(), name="partner-run-complete"),
    path("production-runs/<int:pk>/accept", partner.PartnerRunAccept.as_view(), name="partner-run-accept"),
    path("production-runs/<int:pk>/decline", partner.PartnerRunDecline.as_view(), name="partner-run-decline"),
    path("tasks/", partner.PartnerTaskList.as_view(), name="partner-task-list"),
    path("tasks/<int:pk>/", partner.PartnerTaskDetail.as_view(), name="partner-task-detail"),
    path("tasks/<int:pk>/start", partner.PartnerTaskStart.as_view(), name="partner-task-start"),
    path("tasks/<int:pk>/complete", partner.PartnerTaskComplete.as_view(), name="partner-task-complete"),
]
