import ipaddress
import unicodedata

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from rest_framework.throttling import AnonRateThrottle, BaseThrottle


class EmailOrUsernameBackend(ModelBackend):
    """Staff log in with their username; partner users with their email, in any letter case."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        User = get_user_model()
        user = User._default_manager.filter(username=username).first()
        if user is None and "@" in username:
            # Only an email with the very key the lockout counts under: the database's case-insensitive match folds
            # more letters than lower() ("ſ" is "S" to PostgreSQL's UPPER), and each such spelling had its own count.
            key = login_key(username)
            candidates = User._default_manager.filter(email__iexact=key).order_by("id")
            user = next((u for u in candidates if login_key(u.email) == key), None)
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


# django-axes stores the username of every attempt in a 255-character column.
AXES_USERNAME_MAX = 255


def login_key(username: str) -> str:
    """A login as partner emails are stored (``normalize_email``: trimmed, lower case), after Unicode's
    compatibility folding (NFKC, as Django's login form does): the one key login matches and the lockout counts."""
    return unicodedata.normalize("NFKC", username).strip().lower()


def lockout_username(request, credentials: dict | None) -> str:
    """The name failed logins are counted under: the username as login matches it, whatever its letter case.

    Login matches partner emails by ``login_key``, so the lockout does too, or ``AuthTest@...`` (or a
    look-alike letter) would get fresh attempts after ``authtest@...`` was locked.
    """
    username = (credentials or {}).get("username") or ""
    if not isinstance(username, str):
        username = str(username)
    return login_key(username)[:AXES_USERNAME_MAX]


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


class AuthThrottle(AnonRateThrottle):
    """Failed logins per client IP (``AUTH_RATE_LIMIT``), whatever usernames they try: the token endpoint's and
    the portal's login page's (``allow_request`` and ``record_failure`` take a Django request too).

    Only failures count, so guessing passwords across many usernames is stopped while an
    office of people behind one address logging in correctly never is.
    """

    scope = "auth"

    def get_ident(self, request) -> str:
        return client_ip(request)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request, view) -> bool:
        """Check only: a request is counted by ``record_failure``, once it failed."""
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        return len(self.history) < self.num_requests

    def record_failure(self) -> None:
        if self.rate is not None:
            self.history.insert(0, self.now)
            self.cache.set(self.key, self.history, self.duration)
