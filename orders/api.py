from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import StrictCharField, StrictEmailField, StrictObject, id_field, quantity_field
from designs.models import Design
from orders.models import Order, OrderLineItem, Product, ProductVariant
from orders.services import order_create, order_place, product_create
from partners.permissions import IsStaff


def _resolve(model, ids: set[int], field: str) -> dict:
    found = model.objects.in_bulk(ids)
    missing = sorted(ids - set(found))
    if missing:
        raise serializers.ValidationError({field: [f"Unknown {model._meta.verbose_name} ids: {missing}."]})
    return found


class VariantOutput(serializers.ModelSerializer):
    class Meta:
        model = ProductVariant
        fields = ["id", "sku", "title", "design", "product"]


class ProductOutput(serializers.ModelSerializer):
    variants = VariantOutput(many=True, read_only=True)

    class Meta:
        model = Product
        fields = ["id", "title", "design", "variants", "created_at"]


class VariantInput(StrictObject):
    sku = StrictCharField(max_length=100)
    title = StrictCharField(max_length=300, required=False, allow_blank=True)
    design = id_field(required=False, allow_null=True)


class ProductInput(StrictObject):
    title = StrictCharField(max_length=300)
    design = id_field(required=False, allow_null=True)
    variants = VariantInput(many=True, required=False)


def _products():
    return Product.objects.prefetch_related(Prefetch("variants", queryset=ProductVariant.objects.order_by("id")))


@extend_schema_view(
    get=extend_schema(
        summary="List products",
        description="All products with their variants, newest first. Paginated with `limit` and `offset`.",
    ),
)
class ProductListCreate(generics.ListAPIView):
    permission_classes = [IsStaff]
    serializer_class = ProductOutput
    queryset = _products().order_by("-created_at", "-id")

    @extend_schema(
        request=ProductInput,
        responses={201: ProductOutput},
        summary="Create a product with its variants",
        description="Creates the product and its variants; a variant's own `design`, when set, wins over the "
                    "product's design. A SKU repeated in the request or already in use, or an unknown design id, "
                    "answers 400 and nothing is created.",
    )
    def post(self, request):
        data = ProductInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        variants = v.get("variants", [])
        design_ids = {v["design"]} if v.get("design") else set()
        design_ids |= {item["design"] for item in variants if item.get("design")}
        designs = _resolve(Design, design_ids, "design")
        product = product_create(
            title=v["title"], design=designs.get(v.get("design")),
            variants=[{**item, "design": designs.get(item.get("design"))} for item in variants],
        )
        return Response(ProductOutput(_products().get(pk=product.pk)).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        summary="Retrieve a product",
        description="One product with its variants. An unknown id answers 404.",
    ),
)
class ProductDetail(generics.RetrieveAPIView):
    permission_classes = [IsStaff]
    serializer_class = ProductOutput
    queryset = _products()


class LineItemOutput(serializers.ModelSerializer):
    class Meta:
        model = OrderLineItem
        fields = ["id", "product", "variant", "quantity", "title", "external_id"]


class OrderOutput(serializers.ModelSerializer):
    items = LineItemOutput(many=True, read_only=True)
    production_runs = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = ["id", "status", "customer_email", "external_id", "placed_at", "promised_date", "items",
                  "production_runs", "created_at", "updated_at"]

    def get_production_runs(self, order) -> list[int]:
        return sorted(run.pk for run in order.production_runs.all())


class LineItemInput(StrictObject):
    product = id_field()
    variant = id_field(required=False, allow_null=True)
    quantity = quantity_field()
    title = StrictCharField(max_length=300, required=False, allow_blank=True)


class OrderInput(StrictObject):
    customer_email = StrictEmailField(max_length=254)  # the model column's length
    external_id = StrictCharField(max_length=200, required=False, allow_blank=True)
    promised_date = serializers.DateField(required=False, allow_null=True)
    items = LineItemInput(many=True, allow_empty=False)


def _orders():
    # Runs are named by their reverse relation only: orders never imports production.
    return Order.objects.prefetch_related(Prefetch("items", queryset=OrderLineItem.objects.order_by("id")), "production_runs")


@extend_schema_view(
    get=extend_schema(
        summary="List orders",
        description="All orders with their line items and production run ids, newest first. Paginated with "
                    "`limit` and `offset`.",
    ),
)
class OrderListCreate(generics.ListAPIView):
    permission_classes = [IsStaff]
    serializer_class = OrderOutput
    queryset = _orders().order_by("-created_at", "-id")

    @extend_schema(
        request=OrderInput,
        responses={201: OrderOutput},
        summary="Create a draft order",
        description="Creates an order in `draft` with its line items; nothing is produced until it is placed. "
                    "Empty `items`, unknown product or variant ids, a variant of another product, or an "
                    "`external_id` already in use answers 400 and nothing is created.",
    )
    def post(self, request):
        data = OrderInput(data=request.data)
        data.is_valid(raise_exception=True)
        items = data.validated_data["items"]
        products = _resolve(Product, {i["product"] for i in items}, "items")
        variants = _resolve(ProductVariant, {i["variant"] for i in items if i.get("variant")}, "items")
        order = order_create(
            customer_email=data.validated_data["customer_email"],
            external_id=data.validated_data.get("external_id", ""),
            promised_date=data.validated_data.get("promised_date"),
            items=[{**i, "product": products[i["product"]], "variant": variants.get(i.get("variant"))} for i in items],
        )
        return Response(OrderOutput(_orders().get(pk=order.pk)).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        summary="Retrieve an order",
        description="One order with its line items and the ids of its production runs. An unknown id answers 404.",
    ),
)
class OrderDetail(generics.RetrieveAPIView):
    permission_classes = [IsStaff]
    serializer_class = OrderOutput
    queryset = _orders()


class OrderPlace(APIView):
    """Place a draft order; its designed line items become production runs. Placing twice changes nothing."""

    permission_classes = [IsStaff]

    @extend_schema(
        request=None,
        responses=OrderOutput,
        summary="Place an order",
        description="Moves a draft order to `placed` and fires the order-placed event, which creates one "
                    "production run per designed line item. Placing an already placed order answers 200 and "
                    "creates only runs that are missing; a cancelled order answers 409, an unknown id 404.",
    )
    def post(self, request, pk):
        order = get_object_or_404(Order, pk=pk)
        order_place(order=order)
        return Response(OrderOutput(_orders().get(pk=order.pk)).data)
