from django.db.models import QuerySet

from designs.models import Design
from partners.models import Partner
from partners.selectors import scope_to_partner


def designs_for_partner(partner: Partner) -> QuerySet[Design]:
    """Designs linked to ``partner`` (linked at approval, or by staff)."""
    return scope_to_partner(Design.objects.all(), partner, field="partner_links__partner").distinct().order_by("name", "id")
