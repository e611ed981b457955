import ipaddress

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from rest_framework.throttling import BaseThrottle


class EmailOrUsernameBackend(ModelBackend):
    """Staff log in with their username; partner users with their email, in any letter case."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        User = get_user_model()
        user = User._default_manager.filter(username=username).first()
        if user is None and "@" in username:
            user = User._default_manager.filter(email__iexact=username.strip()).order_by("id").first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


# django-axes stores the username of every attempt in a 255-character column.
AXES_USERNAME_MAX = 255


def lockout_username(request, credentials: dict | None) -> str:
    """The name failed logins are counted under: the username as login matches it, whatever its letter case.

    Login matches partner emails case-insensitively, so the lockout must too, or
    ``AuthTest@...`` would get fresh attempts after ``authtest@...`` was locked.
    """
    username = (credentials or {}).get("username") or ""
    if not isinstance(username, str):
        username = str(username)
    return username.strip().lower()[:AXES_USERNAME_MAX]


def client_ip(request) -> str:
    """The client's address, for every login limit (the portal's lockout and the token endpoint's throttle): the
    socket's, or with ``DJANGO_BEHIND_PROXY`` the one the proxy appended to ``X-Forwarded-For``
    (``NUM_PROXIES``). A client's own entries never count, or each made-up address would get a fresh allowance;
    anything that is not an IP address falls back to the socket's. Behind a proxy the socket's address is the
    proxy's, shared by every client: the lockout would then be per username alone, and anyone could lock a
    partner out."""
    ident = BaseThrottle().get_ident(request)
    try:
        return str(ipaddress.ip_address(ident))
    except ValueError:
        return request.META.get("REMOTE_ADDR", "")
