from django.db import IntegrityError, transaction

from config.errors import InvalidInput
from tasks.models import Task, TaskTemplate, TaskTemplateCategory


def _name_taken(name: str, category: TaskTemplateCategory | None, exclude_id: int | None = None) -> bool:
    return TaskTemplate.objects.filter(name=name, category=category).exclude(id=exclude_id).exists()


@transaction.atomic
def category_create(*, name: str, description: str = "") -> TaskTemplateCategory:
    if TaskTemplateCategory.objects.filter(name=name).exists():
        raise InvalidInput(f"A category named {name!r} already exists.", field="name")
    try:
        with transaction.atomic():
            return TaskTemplateCategory.objects.create(name=name, description=description)
    except IntegrityError as exc:
        raise InvalidInput(f"A category named {name!r} already exists.", field="name") from exc


@transaction.atomic
def category_update(*, category: TaskTemplateCategory, name: str, description: str) -> TaskTemplateCategory:
    if TaskTemplateCategory.objects.filter(name=name).exclude(pk=category.pk).exists():
        raise InvalidInput(f"A category named {name!r} already exists.", field="name")
    category.name, category.description = name, description
    try:
        with transaction.atomic():
            category.save()
    except IntegrityError as exc:
        raise InvalidInput(f"A category named {name!r} already exists.", field="name") from exc
    return category


def _save_template(template: TaskTemplate) -> TaskTemplate:
    if _name_taken(template.name, template.category, exclude_id=template.id):
        raise InvalidInput(f"A template named {template.name!r} already exists in this category.", field="name")
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError as exc:
        raise InvalidInput(f"A template named {template.name!r} already exists in this category.", field="name") from exc
    return template


@transaction.atomic
def template_create(*, name: str, category: TaskTemplateCategory | None, description: str = "", sequence: int = 0,
                    estimated_minutes: int | None = None, is_active: bool = True) -> TaskTemplate:
    return _save_template(TaskTemplate(
        name=name, category=category, description=description, sequence=sequence,
        estimated_minutes=estimated_minutes, is_active=is_active,
    ))


@transaction.atomic
def template_update(*, template: TaskTemplate, **changes) -> TaskTemplate:
    for field, value in changes.items():
        setattr(template, field, value)
    return _save_template(template)


def template_delete(*, template: TaskTemplate) -> None:
    """Delete a template; tasks made from it keep their title (template set to null)."""
    template.delete()


@transaction.atomic
def task_reword(*, task: Task, title: str, description: str) -> Task:
    """Change a task's wording (staff correcting a title); who does it and where it stands belong to production."""
    task.title, task.description = title, description
    task.save(update_fields=["title", "description", "updated_at"])
    return task
