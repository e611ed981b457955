"""The reminder ladder, driven by moving the clock (time-machine), never by sleeping."""

from datetime import UTC, datetime, timedelta
from smtplib import SMTPException

from django.core import mail
import pytest
import time_machine

from partners import services as partner_services
from partners.models import Notification
from production.models import Alert, ProductionPolicy
from production.services import policy_update, reminders_check, run_accept, task_complete, task_start
from tasks.models import Task
from tests.factories import CategoryFactory, DispatchedRunFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def at(clock, hours: float) -> dict:
    """Move to ``hours`` after T0 and run the check; what it did."""
    clock.move_to(T0 + timedelta(hours=hours))
    return reminders_check()


def _reminders(run) -> list[str]:
    return list(Notification.objects.filter(key__startswith=f"run-reminder:{run.pk}:").order_by("id")
                .values_list("key", flat=True))


def test_a_silent_partner_is_reminded_twice_retried_once_then_the_run_is_parked(clock, partner_a, staff):
    run = DispatchedRunFactory(partner=partner_a, actor=staff)
    assert at(clock, 23.9) == {"reminded": 0, "parked": 0, "escalated": 0}
    counts = []
    for hours in (24, 48, 72, 96):
        assert at(clock, hours)["reminded"] == 1, hours
        run.refresh_from_db()
        counts.append((run.reminder_round, run.reminder_count))
        assert at(clock, hours + 1)["reminded"] == 0  # not due again before another 24 hours
    assert counts == [(0, 1), (0, 2), (1, 1), (1, 2)]  # cap 2 x (1 + 1 retry): counts read 1, 2, 1, 2
    assert len(_reminders(run)) == 4
    assert len([m for m in mail.outbox if m.subject.startswith("Reminder")]) == 4

    assert at(clock, 120)["parked"] == 1
    run.refresh_from_db()
    assert (run.status, run.partner_id, run.previous_partner_id, run.decline_reason) == (
        "awaiting_reassignment", None, partner_a.pk, "no_response")
    assert set(Task.objects.filter(production_run=run).values_list("status", flat=True)) == {"cancelled"}
    assert list(Alert.objects.values_list("kind", "run_id")) == [("parked", run.pk)]
    assert run.activities.get(verb="parked").actor is None


def test_a_parked_run_is_brought_to_staff_again_every_seven_days(clock, partner_a, staff):
    run = DispatchedRunFactory(partner=partner_a, actor=staff)
    policy_update(reminders={"accept_after_hours": 1, "cap": 1, "same_partner_retries": 0})
    at(clock, 1)
    at(clock, 2)  # parked
    assert Alert.objects.filter(run=run, kind="parked").count() == 1
    at(clock, 2 + 24 * 7 - 1)
    assert Alert.objects.filter(run=run, kind="parked").count() == 1
    at(clock, 2 + 24 * 7)
    at(clock, 2 + 24 * 7 + 1)
    assert Alert.objects.filter(run=run, kind="parked").count() == 2
    at(clock, 2 + 24 * 14)
    assert Alert.objects.filter(run=run, kind="parked").count() == 3


def test_an_accepted_run_not_started_is_escalated_once_and_never_taken_away(clock, partner_a, staff, user_a):
    run = DispatchedRunFactory(partner=partner_a, actor=staff)
    clock.move_to(T0 + timedelta(hours=1))
    run_accept(run=run, actor=user_a)
    assert at(clock, 24.9)["reminded"] == 0  # 24 hours since it was accepted, not since it was sent
    assert at(clock, 25)["reminded"] == 1
    assert at(clock, 49)["reminded"] == 1
    assert at(clock, 73) == {"reminded": 0, "parked": 0, "escalated": 1}
    for hours in (97, 121, 500):
        assert at(clock, hours) == {"reminded": 0, "parked": 0, "escalated": 0}
    run.refresh_from_db()
    assert (run.status, run.partner_id) == ("sent_to_partner", partner_a.pk)
    assert list(Alert.objects.values_list("kind", flat=True)) == ["escalated"]


def test_an_idle_run_in_progress_is_reminded_and_new_work_starts_the_count_again(clock, partner_a, staff, user_a):
    run = DispatchedRunFactory(partner=partner_a, actor=staff)
    first, second = run.tasks.order_by("sequence")
    clock.move_to(T0 + timedelta(hours=2))
    task_start(task=first, actor=user_a)
    assert at(clock, 2 + 72)["reminded"] == 1
    run.refresh_from_db()
    assert (run.reminder_phase, run.reminder_count) == ("idle", 1)
    clock.move_to(T0 + timedelta(hours=80))
    task_complete(task=first, actor=user_a)  # the partner answers by working
    assert at(clock, 80 + 71)["reminded"] == 0
    assert at(clock, 80 + 72)["reminded"] == 1
    run.refresh_from_db()
    assert run.reminder_count == 1  # a fresh count: the first idle spell is over
    assert at(clock, 80 + 144)["reminded"] == 1
    assert at(clock, 80 + 216)["escalated"] == 1
    run.refresh_from_db()
    assert (run.status, run.partner_id) == ("in_progress", partner_a.pk)


def test_an_idle_spell_after_an_escalation_is_reminded_again_and_not_escalated_twice(clock, partner_a, staff, user_a):
    run = DispatchedRunFactory(partner=partner_a, actor=staff, category=CategoryFactory(steps=3))
    first, second, _ = run.tasks.order_by("sequence")
    task_start(task=first, actor=user_a)  # in progress, idle from T0
    assert [at(clock, 72)["reminded"], at(clock, 144)["reminded"], at(clock, 216)["escalated"]] == [1, 1, 1]
    clock.move_to(T0 + timedelta(hours=220))
    task_complete(task=first, actor=user_a)  # the partner works again: that idle spell is over
    task_start(task=second, actor=user_a)
    assert at(clock, 220 + 72)["reminded"] == 1  # silent again: a new spell, counted from 0
    assert at(clock, 220 + 144)["reminded"] == 1
    assert at(clock, 220 + 216) == {"reminded": 0, "parked": 0, "escalated": 0}  # staff were told once already
    assert len(_reminders(run)) == 4
    assert list(Alert.objects.values_list("kind", flat=True)) == ["escalated"]


def test_a_reminder_whose_email_fails_does_not_count_and_is_tried_again(clock, partner_a, staff, monkeypatch):
    run = DispatchedRunFactory(partner=partner_a, actor=staff)

    def refuse(*args, **kwargs):
        raise SMTPException("mail server down")

    with monkeypatch.context() as patched:
        patched.setattr(partner_services, "send_mail", refuse)
        assert at(clock, 24)["reminded"] == 0
    run.refresh_from_db()
    assert (run.reminder_count, run.last_reminded_at, _reminders(run)) == (0, None, [])
    assert not run.activities.filter(verb="reminded").exists()

    assert at(clock, 24.25)["reminded"] == 1  # the next check: the same first reminder, now sent
    run.refresh_from_db()
    assert run.reminder_count == 1 and len(_reminders(run)) == 1


def test_the_policy_carries_the_ladder_and_staff_can_run_it_now(staff_api, partner_a, staff, clock):
    run = DispatchedRunFactory(partner=partner_a, actor=staff)
    response = staff_api.patch("/api/admin/production-policy/", {"reminders": {"accept_after_hours": 0.5, "cap": 3}},
                               format="json")
    assert response.status_code == 200, response.data
    assert response.data["reminders"] == {"accept_after_hours": 0.5, "start_after_hours": 24.0,
                                          "idle_after_hours": 72.0, "cap": 3, "same_partner_retries": 1}
    clock.move_to(T0 + timedelta(minutes=30))
    ran = staff_api.post("/api/admin/production-policy/reminders/run", {}, format="json")
    assert (ran.status_code, ran.data) == (200, {"reminded": 1, "parked": 0, "escalated": 0})
    run.refresh_from_db()
    assert run.reminder_count == 1


@pytest.mark.parametrize("reminders", [
    {"cap": 0}, {"cap": 1.5}, {"accept_after_hours": -1}, {"accept_after_hours": "24"}, {"idle_after_hours": True},
    {"same_partner_retries": -1}, {"nag": 1}, "often",
    {"accept_after_hours": 0.001},  # kept to 0.01 it would be 0, "due at every check": refused, not rounded
])
def test_bad_ladder_numbers_are_refused(staff_api, reminders):
    response = staff_api.patch("/api/admin/production-policy/", {"reminders": reminders}, format="json")
    assert response.status_code == 400 and "reminders" in response.data, response.data
    assert ProductionPolicy.load().reminders["cap"] == 2


def test_hours_of_zero_make_every_eligible_run_due_at_each_check(partner_a, staff):
    run = DispatchedRunFactory(partner=partner_a, actor=staff)
    policy_update(reminders={"accept_after_hours": 0, "cap": 2, "same_partner_retries": 0})
    assert reminders_check()["reminded"] == 1
    assert reminders_check()["reminded"] == 1
    assert reminders_check()["parked"] == 1
    run.refresh_from_db()
    assert run.status == "awaiting_reassignment"


def test_a_check_with_nothing_due_costs_the_same_queries_for_5_and_50_sent_runs(partner_a, staff,
                                                                               django_assert_num_queries):
    runs = [DispatchedRunFactory(partner=partner_a, actor=staff) for _ in range(5)]
    ProductionPolicy.load()  # the policy row exists (it is made on first use)
    # 1 the policy, 2 the due runs (one query, whatever their number), 3 the parked runs to bring to staff again.
    with django_assert_num_queries(3):
        reminders_check()
    runs += [DispatchedRunFactory(partner=partner_a, actor=staff) for _ in range(45)]
    with django_assert_num_queries(3):
        reminders_check()
    assert len(runs) == 50
