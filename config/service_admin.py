"""Django admin pages that write through services.

Admin forms validate input; ``save_model`` / ``save_related`` / ``delete_model``
call the app's service instead of saving the model. A service's refusal
(``DomainError``) that the form could not foresee (a race, a rule that needs
the database) rolls the whole save back and comes back to the same page as an
error message, never as a server error.
"""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse

from config.errors import DomainError


class ServiceAdminMixin:
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


def saved_as(obj, saved) -> None:
    """Make the admin's unsaved ``obj`` the row a service created (inlines, the log entry and the redirect use it)."""
    obj.pk = saved.pk
    obj._state.adding = False
    obj.refresh_from_db()


def formset_written(formset) -> None:
    """After a service wrote what ``formset`` held: Django's change message reads these lists."""
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


class ViewOnlyInlineMixin:
    """An inline that lists related rows (with links); they are written on their own pages, through services."""

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ViewOnlyAdminMixin:
    """A model admin to look things up in: rows are born and changed elsewhere, through services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TimelineHistoryMixin:
    """The admin's "History" button opens the object's own timeline (``history_anchor`` on its page).

    Services write the object's history as its activity log, not as Django's change log, so Django's
    history page would always say the object has none.
    """

    history_anchor = ""

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        info = self.opts.app_label, self.opts.model_name
        return HttpResponseRedirect(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]) + f"#{self.history_anchor}")
