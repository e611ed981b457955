"""Domain errors and the one place that maps them to HTTP answers.

Services raise these; API views never catch them. The portal and admin show
their ``message`` to the user. 400 = the input is wrong, 409 = the object's
current state does not allow the action.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class DomainError(Exception):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.field = field
        self.extra = extra or {}

    def as_response_data(self) -> dict:
        if self.field:
            return {self.field: [self.message]}
        return {"detail": self.message, "code": self.code, **self.extra}


class InvalidInput(DomainError):
    """The request is well formed but asks for something that cannot be (400)."""


class InvalidTransition(DomainError):
    """The object's current state does not allow the action (409)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "invalid_transition"


def api_exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response(exc.as_response_data(), status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException) and isinstance(response.data, dict):
        detail = response.data.get("detail")
        if detail is not None and "code" not in response.data:
            response.data["code"] = getattr(detail, "code", exc.default_code)
    return response


def page_not_found(request, exception):
    """404: JSON under /api/ (clients parse it); elsewhere a page in the hub's layout, with its menu for a
    partner's user, that says why a run can vanish (declined or reassigned) and leads back."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)
    from partners.selectors import partner_for_user  # the apps load after config

    user = getattr(request, "user", None)  # absent if a middleware answered before authentication
    partner = partner_for_user(user) if user is not None and user.is_authenticated else None
    return render(request, "404.html", {"partner": partner}, status=404)


def _answered(path: str) -> bool:
    """Whether an endpoint answers ``path`` (not this catch-all)."""
    try:
        return resolve(path).func is not api_not_found
    except Resolver404:
        return False


@csrf_exempt  # it changes nothing; an API client's POST must get the answer below, not a CSRF page
def api_not_found(request, unmatched: str = ""):
    """Any other address under /api/: a JSON 404 whatever ``DEBUG`` says (Django's debug page is HTML).

    An address missing its final slash: a GET is redirected to it (``APPEND_SLASH``, as before); any other
    method is told the address instead, since a redirect would lose its body (and with ``DEBUG`` on, Django
    refuses to redirect a POST with a 500)."""
    path = request.path_info  # what the URLs match (``request.path`` adds the script prefix, if any)
    if not path.endswith("/") and _answered(f"{path}/"):
        if request.method in ("GET", "HEAD"):
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
        return _not_found(f"Did you mean {request.path}/ (with a final slash)?")
    if path.rstrip("/") != path and _answered(path.rstrip("/")):  # an action called as ".../place/"
        return _not_found(f"Did you mean {request.path.rstrip('/')} (without a final slash)?")
    return _not_found()


def _not_found(hint: str = "") -> JsonResponse:
    return JsonResponse({"detail": f"Not found. {hint}".strip(), "code": "not_found"}, status=404)


def bad_request(request, exception):
    """400 for requests Django refuses before a view runs (say a body over DATA_UPLOAD_MAX_MEMORY_SIZE)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Bad request: the body is too large or malformed.", "code": "bad_request"},
                            status=400)
    return defaults.bad_request(request, exception)


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Server error.", "code": "server_error"}, status=500)
    return defaults.server_error(request)
