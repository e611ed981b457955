"""Random sequences of staff and partner actions through the services keep every invariant.

Hypothesis drives create / place order / allocate (in one or two stages) / dispatch /
confirm / accept / decline / reassign / start and complete tasks / complete (with
rejects and shortfalls) / correct / remake / cancel in any order, with valid and
invalid input. The unit ledger of every root run must balance after every step.
After every step the invariants below must hold; a refused action (DomainError)
must have changed nothing. Each example runs in a transaction rolled back at the end.
"""

import os

from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
import pytest

from config.errors import DomainError
from orders.services import order_create, order_place
from production import services
from production.ledger import run_ledger
from production.models import TERMINAL, ProductionRun, RunStatus
from production.selectors import runs_for_partner, tasks_for_partner
from production.services import runs_create_for_order
from tasks.models import Task
from tasks.selectors import TemplateSelection
from tests.factories import (
    CategoryFactory,
    DesignFactory,
    PartnerFactory,
    ProductFactory,
    StaffFactory,
    TemplateFactory,
)

pytestmark = pytest.mark.django_db

# CI runs a fixed, reproducible set of examples; PROPERTY_RANDOM=1 PROPERTY_EXAMPLES=500 hunts further.
EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", 50))
STEPS = 30
DERANDOMIZE = not os.environ.get("PROPERTY_RANDOM")
STATS = {"examples": 0, "actions": 0, "refused": 0}


def _dispatchable():
    """Approved runs with a partner whose units are there (a later stage waits for the one before it)."""
    return ProductionRun.objects.filter(status=RunStatus.APPROVED, partner__isnull=False, dispatch_state="idle").exclude(
        stage__gt=1, released_at__isnull=True)


def _fingerprint(run_id):
    run = ProductionRun.objects.get(pk=run_id)
    return (run.status, run.dispatch_state, run.partner_id, run.accepted_at, run.produced_quantity,
            run.rejected_quantity,
            tuple(Task.objects.filter(production_run=run).order_by("id").values_list("status", flat=True)))


class ProductionMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.staff = StaffFactory()
        self.partners = [PartnerFactory(), PartnerFactory(), PartnerFactory()]
        self.design = DesignFactory()
        self.product = ProductFactory(design=self.design)
        self.category = CategoryFactory()
        for i in range(3):
            TemplateFactory(category=self.category, sequence=i)
        self.frozen: dict[int, tuple] = {}
        STATS["examples"] += 1

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- helpers ---------------------------------------------------------------------
    def _pick(self, queryset, i):
        ids = list(queryset.order_by("id").values_list("id", flat=True))
        return ProductionRun.objects.get(pk=ids[i % len(ids)]) if ids else None

    def _attempt(self, run_id, action) -> bool:
        """Run a service; True if it refused, and then nothing about the run may have changed."""
        before = _fingerprint(run_id)
        STATS["actions"] += 1
        try:
            action()
        except DomainError:
            STATS["refused"] += 1
            assert _fingerprint(run_id) == before, "a refused action changed the run"
            return True
        return False

    # --- staff actions ------------------------------------------------------------------
    # Targeted rules (preconditions pick runs where the action makes sense) drive runs deep
    # into their lifecycle; the "anything on any run" rule then checks refusals change nothing.
    @rule(quantity=st.integers(min_value=1, max_value=12), sample=st.booleans())
    def create_run(self, quantity, sample):
        services.run_create(design=self.design, quantity=quantity, actor=self.staff,
                            run_type="sample" if sample else "production")

    @rule(quantities=st.lists(st.integers(min_value=1, max_value=9), min_size=1, max_size=3), twice=st.booleans())
    def place_order(self, quantities, twice):
        order = order_create(customer_email="c@example.com",
                             items=[{"product": self.product, "quantity": q} for q in quantities])
        order_place(order=order)
        # on_commit does not fire inside the test transaction: call the receiver's service, maybe twice.
        runs_create_for_order(order_id=order.pk)
        if twice:
            runs_create_for_order(order_id=order.pk)

    @precondition(lambda self: ProductionRun.objects.filter(status=RunStatus.PENDING_REVIEW).exists())
    @rule(i=st.integers(0, 100), cuts=st.lists(st.floats(0.01, 0.99), max_size=2), off_by=st.sampled_from([0, 0, 0, 1, -1]),
          later=st.lists(st.floats(0.01, 0.99), max_size=2) | st.none(), named=st.booleans())
    def allocate(self, i, cuts, off_by, later, named):
        run = self._pick(ProductionRun.objects.filter(status=RunStatus.PENDING_REVIEW), i)
        parts = _split(run.quantity, cuts)
        parts[-1] += off_by
        assignments = [services.Assignment(partner_id=self.partners[k].pk, role=f"role{k}", quantity=q)
                       for k, q in enumerate(parts)]
        if later is not None:  # a second stage, its templates named (goes out on its own) or not
            selection = TemplateSelection(category_id=self.category.pk) if named else None
            assignments += [services.Assignment(partner_id=self.partners[k].pk, role=f"stage2-{k}", quantity=q,
                                                stage=2, selection=selection)
                            for k, q in enumerate(_split(run.quantity, later))]
        refused = self._attempt(run.pk, lambda: services.run_approve(run=run, actor=self.staff, assignments=assignments))
        assert refused == (off_by != 0 or 0 in parts), (parts, off_by)

    @precondition(lambda self: _dispatchable().exists())
    @rule(i=st.integers(0, 100), with_selection=st.booleans())
    def dispatch(self, i, with_selection):
        run = self._pick(_dispatchable(), i)
        selection = TemplateSelection(category_id=self.category.pk) if with_selection else None
        assert not self._attempt(run.pk, lambda: services.dispatch_start(run=run, actor=self.staff, selection=selection))

    @precondition(lambda self: ProductionRun.objects.filter(dispatch_state="awaiting_templates").exists())
    @rule(i=st.integers(0, 100), confirm=st.booleans())
    def resume_dispatch(self, i, confirm):
        run = self._pick(ProductionRun.objects.filter(dispatch_state="awaiting_templates"), i)
        if confirm:
            action = lambda: services.dispatch_confirm(  # noqa: E731
                run=run, actor=self.staff, selection=TemplateSelection(category_id=self.category.pk))
        else:
            action = lambda: services.dispatch_cancel(run=run, actor=self.staff)  # noqa: E731
        assert not self._attempt(run.pk, action)

    @rule(i=st.integers(0, 100))
    def cancel(self, i):
        run = self._pick(ProductionRun.objects.all(), i)
        if run is not None:
            refused = self._attempt(run.pk, lambda: services.run_cancel(run=run, actor=self.staff, reason="random"))
            assert refused == (run.status in TERMINAL)

    # --- partner actions ------------------------------------------------------------------
    @precondition(lambda self: Task.objects.filter(status__in=Task.OPEN).exclude(
        production_run__status__in=TERMINAL).exists())
    @rule(i=st.integers(0, 1000), complete=st.booleans())
    def work_on_task(self, i, complete):
        ids = list(Task.objects.filter(status__in=Task.OPEN).exclude(production_run__status__in=TERMINAL)
                   .order_by("id").values_list("id", flat=True))
        task = Task.objects.get(pk=ids[i % len(ids)])
        if complete:
            assert not self._attempt(task.production_run_id, lambda: services.task_complete(task=task, actor=None))
        else:
            refused = self._attempt(task.production_run_id, lambda: services.task_start(task=task, actor=None))
            assert refused == (task.status != Task.Status.PENDING)

    @precondition(lambda self: ProductionRun.objects.filter(status=RunStatus.SENT_TO_PARTNER).exists())
    @rule(i=st.integers(0, 100))
    def start_run(self, i):
        run = self._pick(ProductionRun.objects.filter(status=RunStatus.SENT_TO_PARTNER), i)
        assert not self._attempt(run.pk, lambda: services.run_start(run=run, actor=None))

    @precondition(lambda self: ProductionRun.objects.filter(status=RunStatus.IN_PROGRESS, parent_run__isnull=False)
                  .exists())
    @rule(i=st.integers(0, 100), produced=st.none() | st.integers(0, 15), rejected=st.none() | st.integers(0, 15),
          finish_tasks=st.booleans(), shortfall_reason=st.sampled_from(["", "lost in transit"]),
          rejection_reason=st.sampled_from(["", "fabric_flaw", "nonsense"]))
    def complete_run(self, i, produced, rejected, finish_tasks, shortfall_reason, rejection_reason):
        run = self._pick(ProductionRun.objects.filter(status=RunStatus.IN_PROGRESS, parent_run__isnull=False), i)
        if finish_tasks:
            for task in run.tasks.filter(status__in=Task.OPEN):
                services.task_complete(task=task, actor=None)
        self._attempt(run.pk, lambda: services.run_complete(
            run=run, actor=None, produced_quantity=produced, rejected_quantity=rejected,
            shortfall_reason=shortfall_reason, rejection_reason=rejection_reason))

    @precondition(lambda self: ProductionRun.objects.filter(status=RunStatus.COMPLETED, parent_run__isnull=False)
                  .exists())
    @rule(i=st.integers(0, 100), produced=st.integers(0, 15), rejected=st.integers(0, 15),
          shortfall_reason=st.sampled_from(["", "recount"]))
    def correct_output(self, i, produced, rejected, shortfall_reason):
        run = self._pick(ProductionRun.objects.filter(status=RunStatus.COMPLETED, parent_run__isnull=False), i)
        self._attempt(run.pk, lambda: services.run_correct_output(
            run=run, actor=self.staff, produced_quantity=produced, rejected_quantity=rejected,
            shortfall_reason=shortfall_reason, reason="recount"))

    @precondition(lambda self: ProductionRun.objects.filter(status__in=TERMINAL, parent_run__isnull=True).exists())
    @rule(i=st.integers(0, 100))
    def remake(self, i):
        run = self._pick(ProductionRun.objects.filter(status__in=TERMINAL, parent_run__isnull=True), i)
        missing = run.quantity - run_ledger(run).good_output
        refused = self._attempt(run.pk, lambda: services.run_remake(run=run, actor=self.staff))
        assert refused == (missing == 0)

    @precondition(lambda self: ProductionRun.objects.filter(status=RunStatus.SENT_TO_PARTNER).exists())
    @rule(i=st.integers(0, 100), decline=st.booleans(), reason=st.sampled_from(["capacity", "other", "bogus"]))
    def answer(self, i, decline, reason):
        run = self._pick(ProductionRun.objects.filter(status=RunStatus.SENT_TO_PARTNER), i)
        if not decline:
            assert not self._attempt(run.pk, lambda: services.run_accept(run=run, actor=None))
            return
        worked = run.tasks.filter(started_at__isnull=False).exists()
        refused = self._attempt(run.pk, lambda: services.run_decline(run=run, partner=run.partner, reason=reason))
        assert refused == (worked or reason != "capacity"), (reason, worked)  # "other" without notes is refused

    @precondition(lambda self: ProductionRun.objects.filter(
        status__in=[RunStatus.AWAITING_REASSIGNMENT, RunStatus.SENT_TO_PARTNER]).exists())
    @rule(i=st.integers(0, 100), k=st.integers(0, 2), dispatch=st.booleans())
    def reassign(self, i, k, dispatch):
        run = self._pick(ProductionRun.objects.filter(
            status__in=[RunStatus.AWAITING_REASSIGNMENT, RunStatus.SENT_TO_PARTNER]), i)
        self._attempt(run.pk, lambda: services.run_reassign(run=run, partner_id=self.partners[k].pk,
                                                            dispatch=dispatch, actor=self.staff))

    # --- anything on any run: a refusal must change nothing ------------------------------------
    @rule(i=st.integers(0, 100), action=st.sampled_from(["approve", "dispatch", "confirm", "cancel_dispatch", "start",
                                                          "complete", "accept", "decline", "reassign",
                                                          "correct", "remake"]))
    def anything_on_any_run(self, i, action):
        run = self._pick(ProductionRun.objects.all(), i)
        if run is None:
            return
        selection = TemplateSelection(category_id=self.category.pk)
        calls = {
            "approve": lambda: services.run_approve(run=run, actor=self.staff),
            "dispatch": lambda: services.dispatch_start(run=run, actor=self.staff),
            "confirm": lambda: services.dispatch_confirm(run=run, actor=self.staff, selection=selection),
            "cancel_dispatch": lambda: services.dispatch_cancel(run=run, actor=self.staff),
            "start": lambda: services.run_start(run=run, actor=None),
            "complete": lambda: services.run_complete(run=run, actor=None),
            "accept": lambda: services.run_accept(run=run, actor=None),
            "decline": lambda: services.run_decline(run=run, partner=self.partners[0], reason="capacity"),
            "reassign": lambda: services.run_reassign(run=run, partner_id=self.partners[1].pk, actor=self.staff),
            "correct": lambda: services.run_correct_output(run=run, actor=self.staff, produced_quantity=1,
                                                           rejected_quantity=0, shortfall_reason="x", reason="y"),
            "remake": lambda: services.run_remake(run=run, actor=self.staff),
        }
        self._attempt(run.pk, calls[action])

    # --- invariants ------------------------------------------------------------------------
    @invariant()
    def every_unit_is_accounted_for(self):
        """Each stage's plan adds up to the order; each released stage receives the previous one's good output and
        accounts for it (good + rejected + missing + open); the ledger's unaccounted is 0."""
        for root in ProductionRun.objects.filter(parent_run__isnull=True):
            ledger = run_ledger(root)
            assert ledger.unaccounted == 0, (root.pk, ledger)
            previous_good = root.quantity
            for row in ledger.stages:
                assert row.planned == root.quantity, (root.pk, row)
                assert row.received == row.produced + row.rejected + row.shortfall + row.open, (root.pk, row)
                if row.released:
                    assert row.received == previous_good, (root.pk, row)
                    previous_good = row.produced
                else:
                    assert (row.received, row.open) == (0, 0), (root.pk, row)
            for child in root.children.all():
                if child.is_waiting_for_previous_stage():  # its units are not there: never sent, never worked
                    assert child.status in (RunStatus.APPROVED, RunStatus.CANCELLED) and child.sent_at is None

    @invariant()
    def terminal_runs_never_change(self):
        for run_id, fingerprint in self.frozen.items():
            assert _fingerprint(run_id) == fingerprint, f"terminal run {run_id} changed"
        for run_id in ProductionRun.objects.filter(status__in=TERMINAL).values_list("id", flat=True):
            self.frozen.setdefault(run_id, _fingerprint(run_id))

    @invariant()
    def open_tasks_exist_only_while_the_run_is_with_its_partner(self):
        for run in ProductionRun.objects.all():
            open_tasks = run.tasks.filter(status__in=Task.OPEN)
            if open_tasks.exists():
                assert run.status in (RunStatus.SENT_TO_PARTNER, RunStatus.IN_PROGRESS), run.pk
                assert set(open_tasks.values_list("partner_id", flat=True)) == {run.partner_id}, run.pk
            if run.sent_at is not None:  # sent: its tasks were made, and its dispatch finished
                assert run.tasks.exists() and run.dispatch_state == "completed", run.pk
            if run.status == RunStatus.AWAITING_REASSIGNMENT:
                assert run.partner_id is None and run.previous_partner_id is not None, run.pk

    @invariant()
    def parents_agree_with_children(self):
        for parent in ProductionRun.objects.filter(children__isnull=False).distinct():
            statuses = list(parent.children.values_list("status", flat=True))
            finished = all(s in TERMINAL for s in statuses)
            if parent.status == RunStatus.CANCELLED:
                assert finished
            elif finished:
                expected = RunStatus.COMPLETED if RunStatus.COMPLETED in statuses else RunStatus.CANCELLED
                assert parent.status == expected
            elif any(s in (RunStatus.IN_PROGRESS, RunStatus.COMPLETED) for s in statuses):
                assert parent.status == RunStatus.IN_PROGRESS
            else:
                # Nothing is being worked on now; a parent that started once (its started
                # child was cancelled since) stays in progress.
                assert parent.status in (RunStatus.APPROVED, RunStatus.IN_PROGRESS)
            if parent.status == RunStatus.COMPLETED:
                done = parent.children.filter(status=RunStatus.COMPLETED)
                last = parent.children.order_by("-stage").values_list("stage", flat=True).first()
                assert parent.produced_quantity == sum(done.filter(stage=last).values_list("produced_quantity",
                                                                                          flat=True))
                assert parent.rejected_quantity == sum(done.values_list("rejected_quantity", flat=True))

    @invariant()
    def partner_selectors_return_only_own_objects(self):
        for partner in self.partners:
            assert set(runs_for_partner(partner).values_list("partner_id", flat=True)) <= {partner.pk}
            assert set(tasks_for_partner(partner).values_list("partner_id", flat=True)) <= {partner.pk}
            assert set(tasks_for_partner(partner).values_list("production_run__partner_id", flat=True)) <= {partner.pk}

    @invariant()
    def one_root_run_per_line_item(self):
        items = list(ProductionRun.objects.filter(parent_run__isnull=True, order_line_item__isnull=False)
                     .values_list("order_line_item_id", flat=True))
        assert len(items) == len(set(items))


def _split(quantity: int, cuts: list[float]) -> list[int]:
    """``quantity`` cut at the given fractions into whole parts (each at least 1 when the quantity allows)."""
    points = sorted({max(1, min(quantity - 1, round(c * quantity))) for c in cuts} - {0, quantity})
    bounds = [0, *points, quantity]
    return [b - a for a, b in zip(bounds, bounds[1:], strict=False)]


def test_random_action_sequences_keep_the_invariants(db, capsys):
    run_state_machine_as_test(
        ProductionMachine,
        settings=settings(max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None, derandomize=DERANDOMIZE,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]),
    )
    with capsys.disabled():
        print(f"\nstate machine: {STATS['examples']} examples, {STATS['actions']} service calls "
              f"({STATS['refused']} refused with a domain error), up to {STEPS} steps each")
    assert STATS["examples"] >= EXAMPLES
