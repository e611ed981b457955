"""Approvals that link the same partner to a design at once: one link, and every approval goes through."""

import pytest

from designs.models import DesignPartner
from production import services
from production.models import ProductionRun, RunStatus
from tests.concurrency import race
from tests.factories import DesignFactory, PartnerFactory, RunFactory


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_share_one_new_design_link(require_postgres, staff):
    design, partner = DesignFactory(), PartnerFactory()
    runs = [RunFactory(design=design, quantity=4) for _ in range(6)]
    assert not DesignPartner.objects.filter(design=design).exists()  # every approval has to create the link

    def approve(run_id):
        return lambda: services.run_approve(
            run=ProductionRun(pk=run_id), actor=staff,
            assignments=[services.Assignment(partner_id=partner.pk, quantity=4, role="cutting")])

    outcomes = race(*[approve(run.pk) for run in runs])

    assert not [o for o in outcomes if isinstance(o, BaseException)], outcomes
    assert list(DesignPartner.objects.filter(design=design).values_list("partner_id", "role")) == [
        (partner.pk, "cutting")]
    assert set(ProductionRun.objects.filter(pk__in=[r.pk for r in runs]).values_list("status", flat=True)) == {
        RunStatus.APPROVED}
    assert ProductionRun.objects.filter(parent_run__in=runs, partner=partner).count() == 6
