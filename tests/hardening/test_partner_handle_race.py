"""Staff creating partners of the same name at the same moment, without a handle (PostgreSQL, threads): each gets a
handle of its own. The handle is derived from the name while it is free; a concurrent create could take it before
the insert, and the valid request was refused with "handle already exists"."""

import pytest

from partners.models import Partner
from partners.services import partner_create
from tests.concurrency import race
from tests.factories import PASSWORD

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_same_name_at_the_same_moment_each_gets_its_own_handle(require_postgres):
    def create(i):
        return lambda: partner_create(name="Race Co", email=f"hello{i}@race.example",
                                      owner={"email": f"owner{i}@race.example", "password": PASSWORD})

    outcomes = race(*(create(i) for i in range(6)))
    assert all(isinstance(o, Partner) for o in outcomes), outcomes
    handles = sorted(Partner.objects.filter(name="Race Co").values_list("handle", flat=True))
    assert handles == sorted(["race-co", *(f"race-co-{n}" for n in range(2, 7))])


def test_another_rule_refusing_the_row_is_not_retried_as_a_taken_handle(require_postgres, django_assert_max_num_queries):
    from django.db import IntegrityError

    with django_assert_max_num_queries(8), pytest.raises(IntegrityError):
        partner_create(name="Neg Co", email="n@race.example", lead_time_days=-1,
                       owner={"email": "n-owner@race.example", "password": PASSWORD})
    assert not Partner.objects.filter(name="Neg Co").exists()


def test_a_handle_the_client_chose_and_that_is_taken_is_still_refused(require_postgres):
    from config.errors import InvalidInput

    partner_create(name="Race Co", email="a@race.example", handle="race",
                   owner={"email": "a-owner@race.example", "password": PASSWORD})
    with pytest.raises(InvalidInput, match="handle 'race' already exists"):
        partner_create(name="Other", email="b@race.example", handle="race",
                       owner={"email": "b-owner@race.example", "password": PASSWORD})
