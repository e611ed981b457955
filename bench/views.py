"""A bare Django view that the bench (``make bench``) measures the partner runs API against.

Never routed in the product: only ``bench.urls`` serves it, and only the bench starts a server with that
URLconf. It answers the same bytes as the first page of ``GET /api/partners/production-runs/`` (the bench
checks it: same count, links, rows, fields in the same order, the same trimmed snapshot, progress, materials
and dates) with none of DRF: the ``Authorization: Token <key>`` header is checked by hand in one query (knox's
hashed key, not expired, an active user of an active partner, as ``TokenAuthentication`` + ``IsPartnerUser``
check), the same COUNT, the rows from one ``.values()`` query, the materials from one more, and orjson renders
them. The difference between the two is what the API's layers (authentication, permissions, filters,
pagination, serializers, renderer) cost.
"""

from hmac import compare_digest

from django.conf import settings
from django.db.models import F
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
import orjson

from config.pagination import StrictLimitOffsetPagination
from partners.models import Partner
from production import dates
from production.api.serializers import PARTNER_SNAPSHOT_KEYS, PartnerRunOutput
from production.models import TERMINAL, RunMaterial
from production.selectors import runs_for_partner

API_PATH = "/api/partners/production-runs/"
FIELDS = PartnerRunOutput.Meta.fields  # the API's fields, in its order
# What the row query reads as is; the rest is computed below as the serializer computes it.
READ = [f for f in FIELDS if f not in ("design_name", "progress", "shortfall_quantity", "review", "currency",
                                       "materials", "is_late", "completed_late")]
PAGE_SIZE = StrictLimitOffsetPagination.default_limit


def _partner_id_for_token(request) -> int | None:
    """The API's token check by hand: knox's key prefix, its hash compared, not expired, an active partner user."""
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    key = key.strip()
    if scheme.lower() != "token" or not key:
        return None
    candidates = AuthToken.objects.filter(
        token_key=key[:CONSTANTS.TOKEN_KEY_LENGTH], expiry__gt=timezone.now(), user__is_active=True,
        user__partner_membership__partner__is_active=True,
    ).values_list("digest", "user__partner_membership__partner_id")
    digest = hash_token(key)
    return next((partner_id for stored, partner_id in candidates if compare_digest(stored, digest)), None)


def _when(value):
    """A datetime as DRF writes it: in the current time zone, ISO 8601, UTC as ``Z``."""
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _materials(run_ids: list[int]) -> dict[int, list[dict]]:
    plans: dict[int, list[dict]] = {}
    for line in RunMaterial.objects.filter(run_id__in=run_ids).values(
            "run_id", "material", "planned", "consumed", material_name=F("material__name"), unit=F("material__unit")):
        plans.setdefault(line["run_id"], []).append({
            "material": line["material"], "material_name": line["material_name"],
            "planned": f"{line['planned']:.3f}", "consumed": f"{line['consumed']:.3f}", "unit": line["unit"]})
    return plans


def _row(row: dict, plans: dict, today) -> dict:
    finished = row["status"] == "completed" and row["produced_quantity"] is not None
    computed = {
        "design_name": row["design_name"],
        "snapshot": {key: row["snapshot"][key] for key in PARTNER_SNAPSHOT_KEYS if key in row["snapshot"]},
        "progress": {"tasks_total": row["tasks_total"], "tasks_completed": row["tasks_completed"]},
        "shortfall_quantity": (row["quantity"] - row["produced_quantity"] - (row["rejected_quantity"] or 0)
                               if finished else None),
        "review": ({"decision": row["review_decision"], "notes": row["review_notes"],
                    "reviewed_at": _when(row["reviewed_at"])} if row["reviewed_at"] else None),
        "rate": None if row["rate"] is None else str(row["rate"]),
        "currency": settings.CURRENCY,
        "materials": plans.get(row["id"], []),
        "due_date": row["due_date"].isoformat() if row["due_date"] else None,
        "is_late": dates.late(row["due_date"], finished=row["status"] in TERMINAL, on=today),
        "completed_late": (timezone.localdate(row["completed_at"]) > row["due_date"]
                           if row["status"] == "completed" and row["due_date"] and row["completed_at"] else None),
    }
    return {name: computed[name] if name in computed else _when(row[name]) if name.endswith("_at") else row[name]
            for name in FIELDS}


def bare_runs(request):
    partner_id = _partner_id_for_token(request)
    if partner_id is None:
        return JsonResponse({"detail": "Authentication credentials were not provided."}, status=401)
    runs = runs_for_partner(Partner(pk=partner_id))  # it only filters on the partner's pk: no need to load it
    count = runs.count()
    rows = list(runs.with_progress().order_by("-sent_at", "-id").values(
        *READ, "tasks_total", "tasks_completed", "review_decision", "review_notes", "reviewed_at",
        design_name=F("design__name"))[:PAGE_SIZE])
    plans, today = _materials([row["id"] for row in rows]), timezone.localdate()
    page = {
        "count": count,
        "next": request.build_absolute_uri(f"{API_PATH}?limit={PAGE_SIZE}&offset={PAGE_SIZE}")
        if count > PAGE_SIZE else None,
        "previous": None,
        "results": [_row(row, plans, today) for row in rows],
    }
    return HttpResponse(orjson.dumps(page), content_type="application/json")
