"""Template lookups: how a dispatch's template selection becomes templates."""

from dataclasses import dataclass, field

from config.errors import InvalidInput
from tasks.models import TaskTemplate, TaskTemplateCategory


@dataclass(frozen=True)
class TemplateSelection:
    """Exactly one of a category, template names or template ids."""

    category_id: int | None = None
    names: tuple[str, ...] = field(default_factory=tuple)
    ids: tuple[int, ...] = field(default_factory=tuple)

    def __post_init__(self):
        given = sum([self.category_id is not None, bool(self.names), bool(self.ids)])
        if given != 1:
            raise InvalidInput(
                "Choose templates with exactly one of template_category, template_names or template_ids "
                "(and not an empty list).", code="invalid_selection",
            )

    @classmethod
    def from_data(cls, data: dict) -> "TemplateSelection":
        """The inverse of ``as_data`` (a selection stored on a run)."""
        return cls(category_id=data.get("template_category"), names=tuple(data.get("template_names") or ()),
                   ids=tuple(data.get("template_ids") or ()))

    def as_data(self) -> dict:
        if self.category_id is not None:
            return {"template_category": self.category_id}
        if self.names:
            return {"template_names": list(self.names)}
        return {"template_ids": list(self.ids)}


def _unique(values):
    return tuple(dict.fromkeys(values))


def resolve_templates(selection: TemplateSelection) -> list[TaskTemplate]:
    """The active templates a selection names, in template order (sequence, id).

    Raises InvalidInput (nothing is written by the caller then) when a category
    is unknown or empty, a name or id is unknown, or a name is ambiguous.
    """
    base = TaskTemplate.objects.active().select_related("category").in_order()
    if selection.category_id is not None:
        # One query when the category has templates; the category itself is read only to say what is wrong.
        templates = list(base.filter(category_id=selection.category_id))
        if templates:
            return templates
        category = TaskTemplateCategory.objects.filter(pk=selection.category_id).first()
        if category is None:
            raise InvalidInput(f"Unknown template category {selection.category_id}.", code="unknown_category")
        raise InvalidInput(f"Category {category.name!r} has no active templates.", code="empty_category")

    if selection.ids:
        ids = _unique(selection.ids)
        templates = list(base.filter(pk__in=ids))
        missing = sorted(set(ids) - {t.pk for t in templates})
        if missing:
            raise InvalidInput(f"Unknown or inactive template ids: {missing}.", code="unknown_templates",
                               extra={"unknown": missing})
        return templates

    names = _unique(selection.names)
    templates = list(base.filter(name__in=names))
    by_name: dict[str, list[TaskTemplate]] = {}
    for template in templates:
        by_name.setdefault(template.name, []).append(template)
    missing = [n for n in names if n not in by_name]
    if missing:
        raise InvalidInput(f"Unknown template names: {', '.join(missing)}.", code="unknown_templates",
                           extra={"unknown": missing})
    ambiguous = {n: ts for n, ts in by_name.items() if len(ts) > 1}
    if ambiguous:
        candidates = [
            {"id": t.pk, "name": t.name, "category": t.category_id, "category_name": t.category.name if t.category else None}
            for ts in ambiguous.values() for t in ts
        ]
        listing = "; ".join(f"{c['name']!r} id {c['id']} in {c['category_name'] or 'no category'}" for c in candidates)
        raise InvalidInput(
            f"Template names match templates in more than one category: {listing}. Choose by id or category.",
            code="ambiguous_template_name", extra={"candidates": candidates},
        )
    return templates
