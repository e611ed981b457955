"""A bare Django view that the bench (``make bench``) measures the partner runs API against.

Never routed in the product: only ``bench.urls`` serves it, and only the
bench starts a server with that URLconf. It answers the same rows as the first
page of ``GET /api/partners/production-runs/`` (same scope, order, page size,
fields and progress counts) with none of DRF: the ``Authorization: Token <key>``
header is checked by hand in one query (knox's hashed key, not expired, an active user
of an active partner, as ``TokenAuthentication`` + ``IsPartnerUser`` check), the rows come from one
``.values()`` query, and ``JsonResponse`` renders them. The difference between
the two is what the API's layers (authentication, permissions, filters,
pagination, serializers, renderers) cost.
"""

from hmac import compare_digest

from django.conf import settings
from django.db.models import F
from django.http import JsonResponse
from django.utils import timezone
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS

from config.pagination import StrictLimitOffsetPagination
from partners.models import Partner
from production import dates
from production.api.serializers import PartnerRunOutput
from production.models import TERMINAL, RunMaterial
from production.selectors import runs_for_partner

# The API's fields, minus those it computes (design_name is joined below, progress built from the annotations,
# the shortfall from the quantities).
FIELDS = [f for f in PartnerRunOutput.Meta.fields
          if f not in ("design_name", "progress", "shortfall_quantity", "review", "currency", "materials", "is_late",
                       "completed_late")]
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


def bare_runs(request):
    partner_id = _partner_id_for_token(request)
    if partner_id is None:
        return JsonResponse({"detail": "Authentication credentials were not provided."}, status=401)
    # runs_for_partner only filters on the partner's pk: no need to load the row.
    rows = (
        runs_for_partner(Partner(pk=partner_id)).with_progress().order_by("-sent_at", "-id")
        .values(*FIELDS, "tasks_total", "tasks_completed", "review_decision", "review_notes", "reviewed_at",
                design_name=F("design__name"))[:PAGE_SIZE]
    )
    rows = list(rows)
    materials = {}
    for line in RunMaterial.objects.filter(run_id__in=[row["id"] for row in rows]).values(
            "run_id", "material", "planned", "consumed", material_name=F("material__name"), unit=F("material__unit")):
        run_id = line.pop("run_id")
        line["planned"], line["consumed"] = f"{line['planned']:.3f}", f"{line['consumed']:.3f}"
        materials.setdefault(run_id, []).append(
            {key: line[key] for key in ("material", "material_name", "planned", "consumed", "unit")})
    results, today = [], timezone.localdate()
    for row in rows:
        row["progress"] = {"tasks_total": row.pop("tasks_total"), "tasks_completed": row.pop("tasks_completed")}
        done = row["status"] == "completed" and row["produced_quantity"] is not None
        row["shortfall_quantity"] = (row["quantity"] - row["produced_quantity"] - (row["rejected_quantity"] or 0)
                                     if done else None)
        review = {"decision": row.pop("review_decision"), "notes": row.pop("review_notes"),
                  "reviewed_at": row.pop("reviewed_at")}
        row["review"] = review if review["reviewed_at"] else None
        row["currency"] = settings.CURRENCY
        row["materials"] = materials.get(row["id"], [])
        row["is_late"] = dates.late(row["due_date"], finished=row["status"] in TERMINAL, on=today)
        row["completed_late"] = (timezone.localdate(row["completed_at"]) > row["due_date"]
                                 if row["status"] == "completed" and row["due_date"] and row["completed_at"] else None)
        results.append(row)
    return JsonResponse({"results": results})
