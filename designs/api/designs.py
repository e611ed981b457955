from django.db import transaction
from django.shortcuts import get_object_or_404
import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from config.api import (
    CurrencyField,
    JSONObjectField,
    MoneyField,
    SafeJSONField,
    StrictCharField,
    StrictFilterSet,
    StrictObject,
    id_field,
)
from config.money import RateType
from designs.models import Design, DesignPartner
from designs.selectors import designs_for_partner
from designs.services import design_create, design_link_partner, design_partner_set_rate, design_update
from partners.models import Partner
from partners.permissions import IsPartnerUser, IsStaff


class DesignOutput(serializers.ModelSerializer):
    class Meta:
        model = Design
        fields = ["id", "name", "code", "status", "specs", "routing", "created_at", "updated_at"]


class DesignPartnerOutput(serializers.ModelSerializer):
    rate = MoneyField(read_only=True, allow_null=True)
    currency = CurrencyField()

    class Meta:
        model = DesignPartner
        fields = ["id", "design", "partner", "role", "rate", "rate_type", "currency", "created_at"]


class DesignInput(StrictObject):
    name = StrictCharField(max_length=200)
    status = serializers.ChoiceField(choices=Design.Status.choices, required=False)
    code = StrictCharField(max_length=100, required=False, allow_blank=True)
    specs = JSONObjectField(required=False)
    routing = SafeJSONField(required=False, allow_null=True)


class DesignFilter(StrictFilterSet):
    status = django_filters.ChoiceFilter(choices=Design.Status.choices)

    class Meta:
        model = Design
        fields = ["status"]


@extend_schema_view(
    get=extend_schema(
        summary="List designs",
        description="All designs, newest first, optionally filtered by `status`. Paginated with `limit` and "
                    "`offset`; an empty or unknown `status` answers 400.",
    ),
)
class DesignListCreate(generics.ListAPIView):
    permission_classes = [IsStaff]
    serializer_class = DesignOutput
    queryset = Design.objects.order_by("-created_at", "-id")
    filterset_class = DesignFilter

    @extend_schema(
        request=DesignInput,
        responses={201: DesignOutput},
        summary="Create a design",
        description="Creates a design (status `conceptual` unless given), optionally with `specs` and a `routing` "
                    "used by the gating policy. A `code` already taken by another design, or a routing that is "
                    "malformed or names unknown partners, answers 400.",
    )
    def post(self, request):
        data = DesignInput(data=request.data)
        data.is_valid(raise_exception=True)
        design = design_create(**data.validated_data)
        return Response(DesignOutput(design).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        summary="Retrieve a design",
        description="One design with its specs and routing. An unknown id answers 404.",
    ),
)
class DesignDetail(generics.RetrieveAPIView):
    permission_classes = [IsStaff]
    serializer_class = DesignOutput
    queryset = Design.objects.all()

    @extend_schema(
        request=DesignInput(partial=True),
        responses=DesignOutput,
        summary="Update a design",
        description="Changes only the fields sent (`name`, `status`, `code`, `specs`, `routing`). A `code` taken "
                    "by another design or an invalid routing answers 400; an unknown id answers 404.",
    )
    def patch(self, request, pk):
        design = self.get_object()
        data = DesignInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        design = design_update(design=design, actor=request.user, **data.validated_data)
        return Response(DesignOutput(design).data)


class DesignPartnerInput(StrictObject):
    partner = id_field()
    role = StrictCharField(max_length=100, required=False, allow_blank=True, default="")
    rate = MoneyField(required=False, allow_null=True)
    rate_type = serializers.ChoiceField(choices=RateType.choices, required=False, default=RateType.PER_UNIT)


class DesignPartnerLink(generics.GenericAPIView):
    """Link a partner to a design (idempotent: 201 when new, 200 with the same link after)."""

    permission_classes = [IsStaff]
    serializer_class = DesignPartnerInput

    @extend_schema(
        request=DesignPartnerInput,
        responses={200: DesignPartnerOutput, 201: DesignPartnerOutput},
        summary="Link a partner to a design",
        description="Links the partner to the design with an optional free-text `role`, so the design appears in "
                    "that partner's designs. Idempotent: 201 when the link is new, 200 with the same link after. "
                    "With `rate` (and `rate_type`: `per_unit`, the default, or `total`) it records the price agreed "
                    "with the partner for this design and role: the default rate of the runs allocated to it "
                    "(`null` clears it). An unknown partner answers 400; an unknown design 404.",
    )
    def post(self, request, pk):
        design = get_object_or_404(Design, pk=pk)
        data = DesignPartnerInput(data=request.data)
        data.is_valid(raise_exception=True)
        partner = Partner.objects.filter(pk=data.validated_data["partner"]).first()
        if partner is None:
            raise serializers.ValidationError({"partner": ["Unknown partner."]})
        with transaction.atomic():
            link, created = design_link_partner(design=design, partner=partner, role=data.validated_data["role"])
            if "rate" in data.validated_data:  # the agreed rate: the default of the runs this partner gets
                link = design_partner_set_rate(link=link, rate=data.validated_data["rate"],
                                               rate_type=data.validated_data["rate_type"])
        return Response(DesignPartnerOutput(link).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class PartnerDesignOutput(serializers.ModelSerializer):
    class Meta:
        model = Design
        fields = ["id", "name", "code", "status", "specs", "updated_at"]


@extend_schema_view(
    get=extend_schema(
        summary="List the caller's designs",
        description="The designs linked to the caller's partner (at run approval or by staff), ordered by name. "
                    "Paginated with `limit` and `offset`; designs of other partners are never listed.",
    ),
)
class PartnerDesignList(generics.ListAPIView):
    """The designs linked to the caller's partner."""

    permission_classes = [IsPartnerUser]
    queryset = Design.objects.none()  # for the schema; get_queryset scopes to the caller
    serializer_class = PartnerDesignOutput

    def get_queryset(self):
        return designs_for_partner(self.request.partner)
