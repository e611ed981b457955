"""A bare Django view that the bench (``make bench``) measures the partner runs API against.

Never routed in the product: only ``bench.urls`` serves it, and only the
bench starts a server with that URLconf. It answers the same rows as the first
page of ``GET /api/partners/production-runs/`` (same scope, order, page size,
fields and progress counts) with none of DRF: the ``Authorization: Token <key>``
header is checked by hand in one query (active user of an active partner, as
``TokenAuthentication`` + ``IsPartnerUser`` check), the rows come from one
``.values()`` query, and ``JsonResponse`` renders them. The difference between
the two is what the API's layers (authentication, permissions, filters,
pagination, serializers, renderers) cost.
"""

from django.db.models import F
from django.http import JsonResponse

from config.pagination import StrictLimitOffsetPagination
from partners.models import Partner, PartnerMembership
from production.api.serializers import PartnerRunOutput
from production.selectors import runs_for_partner

# The API's fields, minus the two it computes (design_name is joined below, progress built from the annotations).
FIELDS = [f for f in PartnerRunOutput.Meta.fields if f not in ("design_name", "progress")]
PAGE_SIZE = StrictLimitOffsetPagination.default_limit


def _partner_id_for_token(request) -> int | None:
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "token" or not key.strip():
        return None
    return (
        PartnerMembership.objects.filter(user__auth_token__key=key.strip(), user__is_active=True,
                                         partner__is_active=True)
        .values_list("partner_id", flat=True)
        .first()
    )


def bare_runs(request):
    partner_id = _partner_id_for_token(request)
    if partner_id is None:
        return JsonResponse({"detail": "Authentication credentials were not provided."}, status=401)
    # runs_for_partner only filters on the partner's pk: no need to load the row.
    rows = (
        runs_for_partner(Partner(pk=partner_id)).with_progress().order_by("-sent_at", "-id")
        .values(*FIELDS, "tasks_total", "tasks_completed", design_name=F("design__name"))[:PAGE_SIZE]
    )
    results = []
    for row in rows:
        row["progress"] = {"tasks_total": row.pop("tasks_total"), "tasks_completed": row.pop("tasks_completed")}
        results.append(row)
    return JsonResponse({"results": results})
