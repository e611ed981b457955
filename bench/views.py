"""A bare Django view that the bench (``make bench``) measures the partner runs API against.

Never routed in the product: only ``bench.urls`` serves it, and only the bench starts a server with that
URLconf. It answers the same bytes as the first page of ``GET /api/partners/production-runs/`` (the bench
checks it: same count, links, rows, fields in the same order, the same trimmed snapshot, progress, materials
and dates) with none of DRF: the ``Authorization: Token <key>`` header is checked by hand in one query (knox's
hashed key, not expired, an active user of an active partner, as ``TokenAuthentication`` + ``IsPartnerUser``
check), the same COUNT, and the same rows as the API makes them (``production.api.partner_list``: one
``.values()`` query, the materials from one more), rendered by orjson. The difference between the two is what
the API's layers (authentication, permissions, filters, pagination, renderer) cost.
"""

from hmac import compare_digest

from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
import orjson

from config.pagination import StrictLimitOffsetPagination
from partners.models import Partner
from production.api import partner_list
from production.selectors import runs_for_partner

API_PATH = "/api/partners/production-runs/"
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
    runs = runs_for_partner(Partner(pk=partner_id))  # it only filters on the partner's pk: no need to load it
    count = runs.count()
    rows = list(partner_list.values(runs.order_by("-sent_at", "-id"))[:PAGE_SIZE])
    page = {
        "count": count,
        "next": request.build_absolute_uri(f"{API_PATH}?limit={PAGE_SIZE}&offset={PAGE_SIZE}")
        if count > PAGE_SIZE else None,
        "previous": None,
        "results": partner_list.represent(rows),
    }
    return HttpResponse(orjson.dumps(page), content_type="application/json")
