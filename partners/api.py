from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.contrib.auth.signals import user_logged_in
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from knox.models import AuthToken
from rest_framework import generics, serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import (
    StrictBooleanField,
    StrictCharField,
    StrictEmailField,
    StrictIntegerField,
    StrictObject,
    StrictSlugField,
)
from config.parsers import StrictJSONParser
from partners.auth import token_create
from partners.backends import AuthThrottle
from partners.models import Partner, PartnerMembership
from partners.permissions import IsPartnerUser, IsStaff
from partners.services import LOGIN_EMAIL_MAX_LENGTH, partner_create, partner_update


class PartnerOutput(serializers.ModelSerializer):
    users = serializers.SerializerMethodField()

    class Meta:
        model = Partner
        fields = ["id", "name", "handle", "email", "roles", "is_active", "auto_accept", "lead_time_days", "users",
                  "created_at", "updated_at"]

    def get_users(self, partner) -> list[dict]:
        return [{"id": m.user_id, "email": m.user.email, "role": m.role} for m in partner.memberships.all()]


def _partners():
    return Partner.objects.prefetch_related(
        Prefetch("memberships", queryset=PartnerMembership.objects.select_related("user").order_by("id"))
    )


class OwnerInput(StrictObject):
    email = StrictEmailField(max_length=LOGIN_EMAIL_MAX_LENGTH)  # the login, kept as the username
    password = StrictCharField(max_length=128, trim_whitespace=False)
    first_name = StrictCharField(max_length=150, required=False, allow_blank=True)
    last_name = StrictCharField(max_length=150, required=False, allow_blank=True)


class PartnerCreateInput(StrictObject):
    name = StrictCharField(max_length=200)
    email = StrictEmailField(max_length=254)  # the model column's length
    handle = StrictSlugField(max_length=100, required=False, allow_blank=True)
    roles = serializers.ListField(child=StrictCharField(max_length=100), required=False, max_length=50)
    auto_accept = StrictBooleanField(required=False)
    lead_time_days = StrictIntegerField(required=False, min_value=0, max_value=365)
    owner = OwnerInput()


class PartnerUpdateInput(StrictObject):
    name = StrictCharField(max_length=200, required=False)
    email = StrictEmailField(max_length=254, required=False)
    handle = StrictSlugField(max_length=100, required=False)
    roles = serializers.ListField(child=StrictCharField(max_length=100), required=False, max_length=50)
    is_active = StrictBooleanField(required=False)
    auto_accept = StrictBooleanField(required=False)
    lead_time_days = StrictIntegerField(required=False, min_value=0, max_value=365)


@extend_schema_view(
    get=extend_schema(
        summary="List partners",
        description="All partners, ordered by name, each with its users and their roles. "
                    "Paginated with `limit` and `offset`.",
    ),
)
class PartnerListCreate(generics.ListAPIView):
    permission_classes = [IsStaff]
    serializer_class = PartnerOutput
    queryset = _partners().order_by("name", "id")

    @extend_schema(
        request=PartnerCreateInput,
        responses={201: PartnerOutput},
        summary="Create a partner with its owner user",
        description="Creates the partner and its owner, a partner user who logs in with the owner's email address; "
                    "without a `handle` one is derived from the name. A duplicate handle or owner email, or a "
                    "password the validators refuse, answers 400 and nothing is created.",
    )
    def post(self, request):
        data = PartnerCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        partner = partner_create(**data.validated_data)
        return Response(PartnerOutput(_partners().get(pk=partner.pk)).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        summary="Retrieve a partner",
        description="One partner with its users and their roles. An unknown id answers 404.",
    ),
)
class PartnerDetail(generics.RetrieveAPIView):
    permission_classes = [IsStaff]
    serializer_class = PartnerOutput
    queryset = _partners()

    @extend_schema(
        request=PartnerUpdateInput,
        responses=PartnerOutput,
        summary="Change a partner",
        description="Any of name, email, handle, roles, `is_active`, `auto_accept` (a partner with auto-accept "
                    "has every run dispatched to it accepted at once) and `lead_time_days` (a run sent without a "
                    "due date is due that many days later). Deactivating a partner refuses its users "
                    "from then on (403). A duplicate handle answers 400.",
    )
    def patch(self, request, pk):
        partner = get_object_or_404(Partner, pk=pk)
        data = PartnerUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        partner_update(partner=partner, **data.validated_data)
        return Response(PartnerOutput(_partners().get(pk=partner.pk)).data)


class PartnerMe(APIView):
    """The caller's partner."""

    permission_classes = [IsPartnerUser]

    @extend_schema(
        responses=PartnerOutput,
        summary="Retrieve the caller's partner",
        description="The partner the calling partner user belongs to, with its users and their roles. "
                    "Staff and other non-partner users get 403.",
    )
    def get(self, request):
        return Response(PartnerOutput(_partners().get(pk=request.partner.pk)).data)


class TokenLoginInput(StrictObject, AuthTokenSerializer):
    """A username and a password, nothing else."""


class TokenLogin(APIView):
    """POST {"username", "password"} -> {"token", "expiry"}. Partner users log in with their email address."""

    authentication_classes = []  # the credentials are in the body
    permission_classes = []
    renderer_classes = [JSONRenderer]
    serializer_class = TokenLoginInput
    throttle_classes = []  # AuthThrottle is applied in post(): it counts failed logins only
    # Django's usual login encodings too, but JSON through the API's strict reader (nesting, surrogates).
    parser_classes = [StrictJSONParser, FormParser, MultiPartParser]

    @extend_schema(
        summary="Obtain an API token",
        description="Exchanges a username and password for a new token, valid until `expiry` (30 days by default) "
                    "or until logout; send it as `Authorization: Token <key>`. Partner users log in with their email address, in "
                    "any letter case. Wrong or missing credentials answer 400. After too many failures the "
                    "username is locked for a while: 429 with `Retry-After`, whatever the password; too many "
                    "attempts from one address are 429 too. A user of a deactivated partner gets 403.",
        request=TokenLoginInput,
        responses={200: inline_serializer("Token", {"token": serializers.CharField(),
                                                    "expiry": serializers.DateTimeField()}),
                   403: OpenApiResponse(description="The user's partner is deactivated."),
                   429: OpenApiResponse(description="Locked out, or too many attempts: see Retry-After.")},
    )
    def post(self, request, *args, **kwargs):
        username = request.data.get("username") if isinstance(request.data, dict) else None
        # A NUL cannot be stored (PostgreSQL refuses it): no such user, and the serializer answers the 400.
        credentials = {"username": username if isinstance(username, str) and "\x00" not in username else ""}
        if AxesProxyHandler.is_locked(request, credentials):
            cool_off = get_cool_off(request)
            seconds = int(cool_off.total_seconds()) if cool_off else 900
            return Response({"detail": f"Too many failed logins for this username: try again in "
                                       f"{max(seconds // 60, 1)} minutes.", "code": "locked"},
                            status=status.HTTP_429_TOO_MANY_REQUESTS, headers={"Retry-After": str(seconds)})
        throttle = AuthThrottle()
        if not throttle.allow_request(request, self):
            self.throttled(request, throttle.wait())
        serializer = self.serializer_class(data=request.data, context={"request": request})
        if not serializer.is_valid():
            throttle.record_failure()
            raise serializers.ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        if PartnerMembership.objects.filter(user=user, partner__is_active=False).exists():
            return Response({"detail": "Your workshop's account is deactivated.", "code": "partner_inactive"},
                            status=status.HTTP_403_FORBIDDEN)
        # As a session login does: the lockout's failure count for this username starts again.
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        instance, key = token_create(user)
        return Response({"token": key, "expiry": instance.expiry})


class Logout(APIView):
    """End the token the request was made with (other logins of the same user keep theirs)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Log out: revoke this token",
        description="The token in the `Authorization` header stops working at once (401 afterwards). Tokens also "
                    "end after `TOKEN_TTL_DAYS` (default 30), and all of a user's tokens end when the password "
                    "changes or the user is deactivated.",
        request=None, responses={204: None},
    )
    def post(self, request):
        if isinstance(request.auth, AuthToken):
            request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
