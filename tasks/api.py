import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from config.api import (
    IdFilter,
    StrictBooleanField,
    StrictCharField,
    StrictFilterSet,
    StrictIntegerField,
    StrictObject,
    id_field,
)
from partners.permissions import IsStaff
from tasks.models import Task, TaskTemplate, TaskTemplateCategory
from tasks.services import category_create, template_create, template_delete, template_update


class CategoryOutput(serializers.ModelSerializer):
    class Meta:
        model = TaskTemplateCategory
        fields = ["id", "name", "description", "created_at"]


class CategoryInput(StrictObject):
    name = StrictCharField(max_length=200)
    description = StrictCharField(required=False, allow_blank=True, max_length=10000)


@extend_schema_view(
    get=extend_schema(
        summary="List task template categories",
        description="All task template categories, ordered by name. Paginated with `limit` and `offset`.",
    ),
)
class CategoryListCreate(generics.ListAPIView):
    permission_classes = [IsStaff]
    serializer_class = CategoryOutput
    queryset = TaskTemplateCategory.objects.order_by("name", "id")

    @extend_schema(
        request=CategoryInput,
        responses={201: CategoryOutput},
        summary="Create a task template category",
        description="Creates a category that groups task templates (a dispatch may select templates by "
                    "category). A name already in use answers 400.",
    )
    def post(self, request):
        data = CategoryInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(CategoryOutput(category_create(**data.validated_data)).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        summary="Retrieve a task template category",
        description="One task template category. An unknown id answers 404.",
    ),
)
class CategoryDetail(generics.RetrieveAPIView):
    permission_classes = [IsStaff]
    serializer_class = CategoryOutput
    queryset = TaskTemplateCategory.objects.all()


class TemplateOutput(serializers.ModelSerializer):
    category_name = serializers.CharField(source="category.name", default=None, allow_null=True, read_only=True)

    class Meta:
        model = TaskTemplate
        fields = ["id", "name", "category", "category_name", "description", "sequence", "estimated_minutes",
                  "is_active", "created_at"]


class TemplateInput(StrictObject):
    name = StrictCharField(max_length=200)
    category = id_field(allow_null=True)
    description = StrictCharField(required=False, allow_blank=True, max_length=10000)
    sequence = StrictIntegerField(required=False, min_value=0, max_value=2**31 - 1)
    estimated_minutes = StrictIntegerField(required=False, allow_null=True, min_value=0, max_value=2**31 - 1)
    is_active = StrictBooleanField(required=False)

    def validate_category(self, value):
        if value is None:
            return None
        category = TaskTemplateCategory.objects.filter(pk=value).first()
        if category is None:
            raise serializers.ValidationError("Unknown category.")
        return category


class TemplateFilter(StrictFilterSet):
    category = IdFilter(field_name="category_id")

    class Meta:
        model = TaskTemplate
        fields = ["category"]


@extend_schema_view(
    get=extend_schema(
        summary="List task templates",
        description="All task templates, ordered by category name then `sequence`, optionally filtered by "
                    "`category`. Paginated with `limit` and `offset`; an empty or malformed filter answers 400.",
    ),
)
class TemplateListCreate(generics.ListAPIView):
    permission_classes = [IsStaff]
    serializer_class = TemplateOutput
    queryset = TaskTemplate.objects.select_related("category").order_by("category__name", "sequence", "id")
    filterset_class = TemplateFilter

    @extend_schema(
        request=TemplateInput,
        responses={201: TemplateOutput},
        summary="Create a task template",
        description="Creates a template in a category (or none, with `category: null`); dispatched runs get one "
                    "task per selected template, in `sequence` order. Two templates may share a name only in "
                    "different categories: a duplicate, or an unknown category, answers 400.",
    )
    def post(self, request):
        data = TemplateInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(TemplateOutput(template_create(**data.validated_data)).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        summary="Retrieve a task template",
        description="One task template with its category name. An unknown id answers 404.",
    ),
)
class TemplateDetail(generics.RetrieveAPIView):
    permission_classes = [IsStaff]
    serializer_class = TemplateOutput
    queryset = TaskTemplate.objects.select_related("category")

    @extend_schema(
        request=TemplateInput(partial=True),
        responses=TemplateOutput,
        summary="Update a task template",
        description="Changes only the fields sent. A name already used in the target category, or an unknown "
                    "category, answers 400; an unknown id answers 404.",
    )
    def patch(self, request, pk):
        template = self.get_object()
        data = TemplateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        return Response(TemplateOutput(template_update(template=template, **data.validated_data)).data)

    @extend_schema(
        responses={204: None},
        summary="Delete a task template",
        description="Deletes the template and answers 204. Tasks already made from it keep their title and "
                    "description, with `template` set to null. An unknown id answers 404.",
    )
    def delete(self, request, pk):
        template_delete(template=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class TaskOutput(serializers.ModelSerializer):
    class Meta:
        model = Task
        fields = ["id", "title", "description", "status", "sequence", "template", "production_run", "partner",
                  "design", "started_at", "completed_at", "cancelled_at", "created_at", "updated_at"]


class TaskFilter(StrictFilterSet):
    production_run = IdFilter(field_name="production_run_id")
    partner = IdFilter(field_name="partner_id")
    status = django_filters.ChoiceFilter(choices=Task.Status.choices)

    class Meta:
        model = Task
        fields = ["production_run", "partner", "status"]


@extend_schema_view(
    get=extend_schema(
        summary="List tasks",
        description="Tasks of every partner, by production run and `sequence`, optionally filtered by "
                    "`production_run`, `partner` and `status`. Paginated with `limit` and `offset`; an empty or "
                    "malformed filter answers 400.",
    ),
)
class TaskList(generics.ListAPIView):
    permission_classes = [IsStaff]
    serializer_class = TaskOutput
    queryset = Task.objects.order_by("production_run_id", "sequence", "id")
    filterset_class = TaskFilter
