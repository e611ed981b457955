"""The shop's "order placed" webhook: a signed order becomes a placed order, once.

Contract (``POST /api/webhooks/orders/placed``):

- The body is signed with HMAC-SHA256 under ``settings.ORDER_WEBHOOK_SECRET``;
  the hex digest travels in ``X-Signature-SHA256`` (``sha256=<hex>`` accepted).
  The signature is checked on the raw bytes before anything is parsed: a
  missing or wrong signature is a 401 and nothing is read, let alone written.
- The shop's order id (``external_id``) is the idempotency key. A delivery for
  an order that already exists answers 200 with that order and writes nothing;
  a new one answers 201. Two deliveries of the same new order racing each other
  meet at the ``order_external_id_unique`` constraint: the loser answers 200
  with the winner's order.
- Lines name variants by SKU. Unknown SKUs are a 400 listing them
  (``code: "unknown_skus"``) and nothing is written.
"""

import hashlib
import hmac
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import StrictCharField, StrictEmailField, quantity_field
from config.errors import InvalidInput
from config.parsers import loads
from orders.api import OrderOutput, _orders
from orders.models import Order, ProductVariant
from orders.services import order_create, order_place

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Signature-SHA256"


def signature_for(body: bytes, secret: str | None = None) -> str:
    """The hex HMAC-SHA256 of ``body`` (what a sender puts in ``X-Signature-SHA256``)."""
    key = (settings.ORDER_WEBHOOK_SECRET if secret is None else secret).encode()
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def signature_is_valid(body: bytes, provided: str | None) -> bool:
    if not provided or not settings.ORDER_WEBHOOK_SECRET:
        # No secret configured means nobody can sign: an empty HMAC key would be forgeable.
        return False
    provided = provided.strip()
    if provided[:7].lower() == "sha256=":
        provided = provided[7:]
    # Bytes, not str: compare_digest refuses non-ASCII str, and a header may hold anything.
    return hmac.compare_digest(signature_for(body).encode(), provided.lower().encode("utf-8", "replace"))


class WebhookItemInput(serializers.Serializer):
    external_id = StrictCharField(max_length=200)
    sku = StrictCharField(max_length=100)
    quantity = quantity_field()
    title = StrictCharField(max_length=300, required=False, allow_blank=True)


class WebhookOrderInput(serializers.Serializer):
    external_id = StrictCharField(max_length=200)
    customer_email = StrictEmailField(max_length=254)  # the model column's length
    promised_date = serializers.DateField(required=False, allow_null=True)
    items = WebhookItemInput(many=True, allow_empty=False)


def _existing(external_id: str) -> Order | None:
    return _orders().filter(external_id=external_id).first()


def _answer(order: Order, code: int) -> Response:
    return Response(OrderOutput(order).data, status=code)


def _variants_by_sku(skus: set[str]) -> dict[str, ProductVariant]:
    variants = {v.sku: v for v in ProductVariant.objects.select_related("product").filter(sku__in=skus)}
    unknown = sorted(skus - set(variants))
    if unknown:
        raise InvalidInput(f"Unknown SKUs: {', '.join(unknown)}.", code="unknown_skus", extra={"unknown_skus": unknown})
    return variants


class OrderPlacedWebhook(APIView):
    """Create and place an order sent by the shop; replays answer the existing order."""

    authentication_classes = []  # the HMAC signature is the authentication
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]  # for the schema: the raw body is parsed below, after the signature check

    @extend_schema(
        operation_id="webhook_order_placed",
        summary="Order placed (signed webhook)",
        description="Signed with HMAC-SHA256 of the raw body under the shared secret, hex digest in "
                    "`X-Signature-SHA256` (optionally prefixed `sha256=`). Idempotent by `external_id`: "
                    "201 for a new order, 200 with the existing order for a replay. A missing or wrong signature "
                    "answers 401 before anything is read; invalid fields or unknown SKUs answer 400 and nothing "
                    "is written.",
        auth=[],
        parameters=[OpenApiParameter(SIGNATURE_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
                                     description="Hex HMAC-SHA256 of the raw request body.")],
        request=WebhookOrderInput,
        responses={
            201: OrderOutput,
            200: OpenApiResponse(OrderOutput, description="Replay: the order already exists; nothing was written."),
            400: OpenApiResponse(description="Malformed JSON, invalid fields, or unknown SKUs "
                                             '(`code: "unknown_skus"`, `unknown_skus: [...]`).'),
            401: OpenApiResponse(description="Missing or wrong signature."),
        },
    )
    def post(self, request):
        body = request.body  # raw bytes, exactly what was signed
        if not signature_is_valid(body, request.headers.get(SIGNATURE_HEADER)):
            logger.warning("order webhook: missing or bad signature")
            return Response({"detail": "Missing or invalid signature.", "code": "invalid_signature"},
                            status=status.HTTP_401_UNAUTHORIZED)
        payload = loads(body)  # a ParseError is the API's usual 400
        data = WebhookOrderInput(data=payload)
        data.is_valid(raise_exception=True)
        v = data.validated_data

        existing = _existing(v["external_id"])
        if existing is not None:
            logger.info("order webhook: replay of %s (order %s)", v["external_id"], existing.pk)
            # Placing again creates only missing runs: a replay heals a delivery whose run creation failed.
            return _answer(order_place(order=existing), status.HTTP_200_OK)

        variants = _variants_by_sku({item["sku"] for item in v["items"]})
        items = [
            {"product": variants[item["sku"]].product, "variant": variants[item["sku"]], "quantity": item["quantity"],
             "title": item.get("title", ""), "external_id": item["external_id"]}
            for item in v["items"]
        ]
        try:
            # One transaction: the order is never left created but unplaced. The
            # order_placed receiver runs when it commits, so the runs exist below.
            with transaction.atomic():
                order = order_create(customer_email=v["customer_email"], external_id=v["external_id"], items=items,
                                     promised_date=v.get("promised_date"))
                order_place(order=order)
        except (IntegrityError, InvalidInput) as exc:
            # A concurrent delivery of the same order got there first: either
            # order_create saw its committed row, or the unique constraint did.
            if isinstance(exc, InvalidInput) and exc.field != "external_id":
                raise
            existing = _existing(v["external_id"])
            if existing is None:
                raise
            logger.info("order webhook: concurrent delivery of %s (order %s)", v["external_id"], existing.pk)
            return _answer(existing, status.HTTP_200_OK)
        logger.info("order webhook: order %s placed from %s", order.pk, v["external_id"])
        return _answer(_orders().get(pk=order.pk), status.HTTP_201_CREATED)
