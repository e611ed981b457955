"""The partner runs list as plain rows: what ``PartnerRunOutput`` says of each run, read with one ``.values()``
query and one more for the materials, without model instances or per-field serializer work.

The list is the API's busiest read; ``make bench`` measured model instances for 50 rows of 45 fields and
DRF's per-field work at well over half of its time. The cost is this second writing of the list's fields,
held byte for byte to the serializer on the same runs, in every state that changes a field, by
``tests/partner_api/test_list_output.py``. The run's detail and the API schema keep the serializer; a field
added to ``PartnerRunOutput`` fails that test until it is added here. The rules stay where they are: lateness
in ``production.dates``, the shortfall in ``production.models.states``, the trimmed snapshot's keys in the serializers.
"""

from django.conf import settings
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils import timezone

from designs.models import Design
from production import dates
from production.api.serializers import PARTNER_SNAPSHOT_KEYS, PartnerRunOutput
from production.models import TERMINAL, ProductionRun, RunMaterial, shortfall

FIELDS = PartnerRunOutput.Meta.fields  # the API's fields, in its order
_COMPUTED = ("design_name", "progress", "shortfall_quantity", "review", "currency", "materials", "is_late",
             "completed_late")
# What the row query reads as it is stored; the rest is computed below as the serializer computes it.
READ = [name for name in FIELDS if name not in _COMPUTED]


def when(value):
    """A datetime as DRF writes it: in the current time zone, ISO 8601, UTC as ``Z``."""
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def values(runs: QuerySet[ProductionRun]) -> QuerySet:
    """``runs`` (scoped, filtered, ordered) as the rows ``represent`` reads; sliced by the paginator.

    The design's name is a subquery, not a join: the paginator's COUNT drops an unused subquery but keeps a
    join, and with it PostgreSQL read the partner's runs from the table instead of counting them off the
    partial index (``make bench``, part 6: 17 ms of a 29 ms page at 8,010 runs)."""
    design_name = Subquery(Design.objects.filter(pk=OuterRef("design_id")).values("name"))
    return runs.with_progress().values(*READ, "tasks_total", "tasks_completed", "review_decision", "review_notes",
                                       "reviewed_at", design_name=design_name)


def _materials(run_ids: list[int]) -> dict[int, list[dict]]:
    plans: dict[int, list[dict]] = {}
    for line in RunMaterial.objects.filter(run_id__in=run_ids).values(  # by material name, as the manager orders
            "run_id", "material", "planned", "consumed", material_name=F("material__name"), unit=F("material__unit")):
        plans.setdefault(line["run_id"], []).append({
            "material": line["material"], "material_name": line["material_name"],
            "planned": f"{line['planned']:.3f}", "consumed": f"{line['consumed']:.3f}", "unit": line["unit"]})
    return plans


def _row(row: dict, plans: dict, today) -> dict:
    computed = {
        "design_name": row["design_name"],
        "snapshot": {key: row["snapshot"][key] for key in PARTNER_SNAPSHOT_KEYS if key in row["snapshot"]},
        "progress": {"tasks_total": row["tasks_total"], "tasks_completed": row["tasks_completed"]},
        "shortfall_quantity": shortfall(row["status"], row["quantity"], row["produced_quantity"],
                                        row["rejected_quantity"]),
        "review": ({"decision": row["review_decision"], "notes": row["review_notes"],
                    "reviewed_at": when(row["reviewed_at"])} if row["reviewed_at"] else None),
        "rate": None if row["rate"] is None else str(row["rate"]),
        "currency": settings.CURRENCY,
        "materials": plans.get(row["id"], []),
        "due_date": row["due_date"].isoformat() if row["due_date"] else None,
        "is_late": dates.late(row["due_date"], finished=row["status"] in TERMINAL, on=today),
        "completed_late": dates.finished_late(row["status"], row["due_date"], row["completed_at"]),
    }
    return {name: computed[name] if name in computed else when(row[name]) if name.endswith("_at") else row[name]
            for name in FIELDS}


def represent(rows: list[dict]) -> list[dict]:
    """The page's rows as the API answers them (the materials of all of them in one query)."""
    plans, today = _materials([row["id"] for row in rows]), dates.today()
    return [_row(row, plans, today) for row in rows]
