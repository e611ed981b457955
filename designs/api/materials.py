"""The material catalogue (``/api/admin/materials/``) and a design's bill of materials (``.../materials/``)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from config.api import CurrencyField, MaterialQuantityField, MoneyField, StrictCharField, StrictObject, id_field
from config.numbers import MAX_PER_PIECE
from designs.materials import bill_line, bill_of, design_set_bill_of_materials, material_create, material_update
from designs.models import BillOfMaterialsLine, Design, Material, MaterialUnit
from partners.permissions import IsStaff


class MaterialOutput(serializers.ModelSerializer):
    unit_cost = MoneyField(read_only=True, allow_null=True)
    unit_label = serializers.CharField(source="get_unit_display", read_only=True)
    currency = CurrencyField()

    class Meta:
        model = Material
        fields = ["id", "name", "unit", "unit_label", "unit_cost", "currency", "created_at", "updated_at"]


class MaterialInput(StrictObject):
    name = StrictCharField(max_length=200)
    unit = serializers.ChoiceField(choices=MaterialUnit.choices)
    unit_cost = MoneyField(required=False, allow_null=True)


@extend_schema_view(get=extend_schema(
    summary="List materials",
    description="The material catalogue by name (fabrics, threads, trims), each with its unit and unit cost.",
))
class MaterialListCreate(generics.ListAPIView):
    permission_classes = [IsStaff]
    serializer_class = MaterialOutput
    queryset = Material.objects.order_by("name", "id")

    @extend_schema(
        request=MaterialInput, responses={201: MaterialOutput}, summary="Add a material",
        description="A material with its `unit` (`m`, `kg`, `g`, `pcs`, `cone`, `l`) and optional `unit_cost` "
                    "(money per unit). A name another material has (in any case) answers 400.",
    )
    def post(self, request):
        data = MaterialInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(MaterialOutput(material_create(**data.validated_data)).data, status=status.HTTP_201_CREATED)


@extend_schema_view(get=extend_schema(summary="Retrieve a material"))
class MaterialDetail(generics.RetrieveAPIView):
    permission_classes = [IsStaff]
    serializer_class = MaterialOutput
    queryset = Material.objects.all()

    @extend_schema(
        request=MaterialInput(partial=True), responses=MaterialOutput, summary="Change a material",
        description="Changes the fields sent. Uses already logged keep the unit cost they were logged at.",
    )
    def patch(self, request, pk):
        material = self.get_object()
        data = MaterialInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        return Response(MaterialOutput(material_update(material=material, **data.validated_data)).data)


class BillLineOutput(serializers.ModelSerializer):
    material_name = serializers.CharField(source="material.name", read_only=True)
    unit = serializers.CharField(source="material.unit", read_only=True)
    quantity_per_piece = MaterialQuantityField(read_only=True)

    class Meta:
        model = BillOfMaterialsLine
        fields = ["material", "material_name", "quantity_per_piece", "unit", "role"]


class BillLineInput(StrictObject):
    material = id_field()
    quantity_per_piece = MaterialQuantityField(maximum=MAX_PER_PIECE, what="Quantity per piece")
    role = StrictCharField(max_length=100, required=False, allow_blank=True, default="")


def _lines(body) -> list:
    """The request's lines, checked; errors name the field, their messages the line (``Line 2: ...``)."""
    if not isinstance(body, list):
        raise serializers.ValidationError({"non_field_errors": ["Send the bill of materials as a list of lines."]})
    lines, errors = [], {}
    for number, item in enumerate(body, start=1):
        line = BillLineInput(data=item)
        if not line.is_valid():
            for field, messages in line.errors.items():
                errors.setdefault(field, []).extend(f"Line {number}: {message}" for message in messages)
            continue
        lines.append(bill_line(**line.validated_data))
    if errors:
        raise serializers.ValidationError(errors)
    return lines


class DesignMaterials(generics.GenericAPIView):
    permission_classes = [IsStaff]
    serializer_class = BillLineOutput
    queryset = Design.objects.all()
    pagination_class = None

    @extend_schema(
        responses=BillLineOutput(many=True), summary="A design's bill of materials",
        description="What one piece of the design needs of each material, per role (a line without a role goes "
                    "to the first stage's runs). Quantities are decimal strings.",
    )
    def get(self, request, pk):
        return Response(BillLineOutput(bill_of(self.get_object()), many=True).data)

    @extend_schema(
        request=BillLineInput(many=True), responses=BillLineOutput(many=True), summary="Replace a design's bill "
        "of materials",
        description="The whole bill, replacing the one before (an empty list clears it): each line a `material`, "
                    "its `quantity_per_piece` (a JSON number or a decimal string above 0, at most three places) "
                    "and an optional `role`. A material twice in one role, or an unknown material, answers 400 "
                    "and changes nothing. Runs already dispatched keep their plan.",
    )
    def put(self, request, pk):
        design = get_object_or_404(Design, pk=pk)
        saved = design_set_bill_of_materials(design=design, lines=_lines(request.data))
        return Response(BillLineOutput(saved, many=True).data)
