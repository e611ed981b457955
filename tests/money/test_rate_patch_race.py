"""Staff PATCH the rate type alone while another staff member changes the rate (PostgreSQL, two connections).

The view read the run, then called run_set_rate with the rate it had read: a rate committed in between was
written back over. The other request is committed exactly there (the hook runs it before the service).
"""

from decimal import Decimal

import pytest

from production import services
from production.models import ProductionRun
from tests.concurrency import meanwhile
from tests.money.conftest import allocate, staff_url

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_patch_of_the_rate_type_keeps_a_rate_changed_meanwhile(require_postgres, monkeypatch, staff_api, staff,
                                                                  coat, partner_a):
    _, (child,) = allocate(staff_api, coat, [{"partner": partner_a.pk, "quantity": 3, "rate": "2.00"}], 3)
    meanwhile(monkeypatch, services, "run_set_rate", lambda: services.run_set_rate(
        run=ProductionRun(pk=child["id"]), rate="9.00", rate_type="per_unit", actor=staff))
    answer = staff_api.patch(staff_url(child["id"]), {"rate_type": "total"}, format="json")
    assert answer.status_code == 200, answer.json()
    run = ProductionRun.objects.get(pk=child["id"])
    assert (run.rate, run.rate_type) == (Decimal("9.00"), "total")
