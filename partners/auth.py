"""API tokens (django-rest-knox): hashed at rest, one per login, expiring, revocable.

Clients keep sending ``Authorization: Token <key>``. A token ends when it expires
(``TOKEN_TTL_DAYS``, default 30), when its client logs out (``POST /api/auth/logout/``),
or when its user's password changes or the user is deactivated (``revoke_tokens_on_change``,
a signal, since Django changes users from many places: admin, shell, password reset).
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.models import AuthToken
from rest_framework import exceptions

User = get_user_model()


class TokenAuthentication(KnoxTokenAuthentication):
    """Knox's check, without its sweep of the user's other tokens on every request (one query less).

    An expired token is refused and deleted when it is used; the others expire on their own.
    """

    def authenticate_credentials(self, token: bytes):
        try:  # knox decodes the header's key unguarded: bytes that are not UTF-8 would be a 500
            token.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed("Invalid token.") from exc
        return super().authenticate_credentials(token)

    def _cleanup_token(self, auth_token) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


class TokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes it: as before, the ``Authorization: Token <key>`` header."""

    target_class = "partners.auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": 'Token-based authentication with required prefix "Token"'}


def token_create(user) -> tuple[AuthToken, str]:
    """A new token for ``user`` (the key is shown once: only its hash is stored)."""
    return AuthToken.objects.create(user=user)


@receiver(pre_save, sender=User, dispatch_uid="partners.remember_credentials")
def _remember_credentials(sender, instance, update_fields=None, **kwargs):
    if instance.pk is None or (update_fields is not None and not {"password", "is_active"} & set(update_fields)):
        return  # a new user, or a save that cannot touch credentials (say last_login on each login)
    before = sender._default_manager.filter(pk=instance.pk).values("password", "is_active").first()
    instance._credentials_before = before


@receiver(post_save, sender=User, dispatch_uid="partners.revoke_tokens_on_change")
def revoke_tokens_on_change(sender, instance, created, **kwargs):
    before = getattr(instance, "_credentials_before", None)
    if created or before is None:
        return
    if before["password"] != instance.password or (before["is_active"] and not instance.is_active):
        AuthToken.objects.filter(user=instance).delete()
