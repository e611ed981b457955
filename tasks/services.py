from django.db import transaction

from config.saving import save_unique
from tasks.models import Task, TaskTemplate, TaskTemplateCategory


def _save_category(category: TaskTemplateCategory) -> TaskTemplateCategory:
    return save_unique(category, message=f"A category named {category.name!r} already exists.", field="name")


@transaction.atomic
def category_create(*, name: str, description: str = "") -> TaskTemplateCategory:
    return _save_category(TaskTemplateCategory(name=name, description=description))


@transaction.atomic
def category_update(*, category: TaskTemplateCategory, name: str, description: str) -> TaskTemplateCategory:
    category.name, category.description = name, description
    return _save_category(category)


def _save_template(template: TaskTemplate) -> TaskTemplate:
    # Two constraints: a name once per category, and once among uncategorised templates.
    return save_unique(template, message=f"A template named {template.name!r} already exists in this category.",
                       field="name")


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
