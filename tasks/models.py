from django.db import models
from django.db.models import Q
from django_fsm import FSMField, FSMModelMixin, transition


class TaskTemplateCategory(models.Model):
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "task template categories"

    def __str__(self) -> str:
        return self.name


class TaskTemplateQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def in_order(self):
        return self.order_by("sequence", "id")


class TaskTemplate(models.Model):
    name = models.CharField(max_length=200)
    category = models.ForeignKey(
        TaskTemplateCategory, null=True, blank=True, on_delete=models.PROTECT, related_name="templates"
    )
    description = models.TextField(blank=True, default="")
    sequence = models.PositiveIntegerField(default=0)
    estimated_minutes = models.PositiveIntegerField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TaskTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["category__name", "sequence", "id"]
        constraints = [
            models.UniqueConstraint(fields=["category", "name"], name="task_template_name_unique_in_category"),
            # NULLs are distinct in a unique index: uncategorised templates need their own rule.
            models.UniqueConstraint(
                fields=["name"], condition=Q(category__isnull=True), name="task_template_name_unique_uncategorised"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.category})" if self.category_id else self.name


class Task(FSMModelMixin, models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        IN_PROGRESS = "in_progress"
        COMPLETED = "completed"
        CANCELLED = "cancelled"

    OPEN = (Status.PENDING, Status.IN_PROGRESS)

    production_run = models.ForeignKey("production.ProductionRun", on_delete=models.CASCADE, related_name="tasks")
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="tasks")
    design = models.ForeignKey("designs.Design", on_delete=models.PROTECT, related_name="tasks")
    template = models.ForeignKey(TaskTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    sequence = models.PositiveIntegerField(default=0)
    status = FSMField(default=Status.PENDING, choices=Status.choices, protected=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["production_run_id", "sequence", "id"]
        indexes = [models.Index(fields=["partner", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    # Transitions stay pure: timestamps only; the production services lock, audit and cascade.
    @transition(field=status, source=Status.PENDING, target=Status.IN_PROGRESS)
    def start(self, *, at):
        self.started_at = at

    @transition(field=status, source=[Status.PENDING, Status.IN_PROGRESS], target=Status.COMPLETED)
    def complete(self, *, at):
        self.started_at = self.started_at or at
        self.completed_at = at

    @transition(field=status, source=[Status.PENDING, Status.IN_PROGRESS], target=Status.CANCELLED)
    def cancel(self, *, at):
        self.cancelled_at = at
