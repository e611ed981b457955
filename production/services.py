"""Every state change of production runs and their tasks.

Each public function here is the one place its rule lives: the API, the portal,
Django admin and django-q2 jobs all call these. Each one locks the rows it
changes (parent before child before task, always in that order, so two
services never deadlock), calls a django-fsm transition, writes a
ProductionRunActivity row and queues side effects with ``transaction.on_commit``.
"""

from dataclasses import dataclass
import logging

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Sum
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from config.errors import InvalidInput, InvalidTransition
from designs.models import Design, DesignPartner
from designs.services import design_link_partner, design_snapshot
from orders.models import Order, OrderLineItem
from partners.models import Partner
from production import gating
from production.jobs import queue_dispatch_notification
from production.models import (
    TERMINAL,
    DispatchState,
    ProductionPolicy,
    ProductionRun,
    ProductionRunActivity,
    RunStatus,
)
from tasks.models import Task
from tasks.selectors import TemplateSelection, resolve_templates

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Assignment:
    partner_id: int
    quantity: int
    role: str = ""


# --- helpers -------------------------------------------------------------------

def _record(run: ProductionRun, *, actor, verb: str, from_status: str = "", note: str = "", data=None):
    return ProductionRunActivity.objects.create(
        run=run, actor=actor if getattr(actor, "pk", None) else None, verb=verb,
        from_status=from_status, to_status=run.status, note=note, data=data or {},
    )


def _activity(run: ProductionRun, *, actor, verb: str, from_status: str = "", note: str = "", data=None):
    """An unsaved activity row, for bulk_create."""
    return ProductionRunActivity(
        run=run, actor=actor if getattr(actor, "pk", None) else None, verb=verb,
        from_status=from_status, to_status=run.status, note=note, data=data or {},
    )


def _apply(run: ProductionRun, transition: str, **kwargs) -> None:
    try:
        getattr(run, transition)(**kwargs)
    except TransitionNotAllowed as exc:
        verb = transition.replace("_", " ")
        raise InvalidTransition(
            f"Run {run.pk} is {run.status} (dispatch {run.dispatch_state}); cannot {verb}."
        ) from exc


def _lock(run_id: int) -> ProductionRun:
    return ProductionRun.objects.select_for_update().get(pk=run_id)


def _lock_family(run_id: int) -> ProductionRun:
    """Lock a run's parent (if any), then the run: the one lock order every service uses."""
    parent_id = ProductionRun.objects.values_list("parent_run_id", flat=True).get(pk=run_id)
    if parent_id is not None:
        _lock(parent_id)
    return _lock(run_id)


def _check_quantity(quantity) -> None:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
        raise InvalidInput("Quantity must be a positive whole number.", field="quantity")


# --- creation --------------------------------------------------------------------

@transaction.atomic
def run_create(*, design: Design, quantity: int, actor=None, run_type: str = ProductionRun.RunType.PRODUCTION,
               metadata: dict | None = None, note: str = "") -> ProductionRun:
    """A root run in ``pending_review`` with a snapshot of its design."""
    _check_quantity(quantity)
    now = timezone.now()
    run = ProductionRun.objects.create(
        design=design, quantity=quantity, run_type=run_type, snapshot=design_snapshot(design), captured_at=now,
        metadata={"source": "manual", **(metadata or {})},
    )
    _record(run, actor=actor, verb="created", note=note)
    return run


@transaction.atomic
def runs_create_for_order(*, order_id: int) -> list[ProductionRun]:
    """One root run per designed line item of a placed order, never two.

    The partial unique constraint ``one_root_run_per_line_item`` is the
    guarantee; the order row lock only makes concurrent callers queue instead
    of colliding. Constant number of queries whatever the number of lines.
    """
    order = Order.objects.select_for_update().filter(pk=order_id, status=Order.Status.PLACED).first()
    if order is None:
        return []
    items = list(
        OrderLineItem.objects.filter(order=order)
        # Lines that already have their root run are done.
        .exclude(Exists(ProductionRun.objects.filter(order_line_item=OuterRef("pk"), parent_run__isnull=True)))
        .select_related("product__design", "variant__design")
        .order_by("id")
    )
    designs = {item.design.pk: item.design for item in items if item.design is not None}
    links: dict[int, list] = {pk: [] for pk in designs}
    for link in DesignPartner.objects.filter(design_id__in=designs).order_by("id") if designs else ():
        links[link.design_id].append(link)
    snapshots = {pk: design_snapshot(d, partner_links=links[pk]) for pk, d in designs.items()}

    now = timezone.now()
    runs = []
    for item in items:
        if item.design is None:
            logger.info("order %s line %s has no design; no production run", order.pk, item.pk)
            continue
        design_id = item.design.pk
        runs.append(ProductionRun(
            design_id=design_id, quantity=item.quantity, order=order, order_line_item=item, product_id=item.product_id,
            variant_id=item.variant_id, snapshot=snapshots[design_id], captured_at=now,
            metadata={"source": "order.placed", "order_external_id": order.external_id,
                      "line_external_id": item.external_id},
        ))
    if not runs:
        return []
    try:
        with transaction.atomic():
            ProductionRun.objects.bulk_create(runs)
    except IntegrityError:
        # Someone created a root run for one of these lines outside the lock:
        # the constraint held, so there is nothing left to create.
        logger.warning("order %s: root runs already exist; created none", order.pk)
        return []
    auto_dispatch = ProductionPolicy.load().auto_dispatch
    note = f"From order {order.pk}. {gating.review_note_when_created(auto_dispatch=auto_dispatch)}"
    ProductionRunActivity.objects.bulk_create(_activity(run, actor=None, verb="created", note=note) for run in runs)
    if auto_dispatch:
        gating.queue_auto_dispatch([run.pk for run in runs])
    return runs


# --- approval and allocation ------------------------------------------------------

def _validated_assignments(run: ProductionRun, assignments: list[Assignment]) -> list[tuple[Partner, str, int]]:
    if not assignments:
        raise InvalidInput("Assignments, when given, must not be empty.", field="assignments")
    seen = set()
    for i, a in enumerate(assignments):
        if isinstance(a.quantity, bool) or not isinstance(a.quantity, int) or a.quantity <= 0:
            raise InvalidInput(f"Assignment {i + 1}: quantity must be a positive whole number.", field="assignments")
        key = (a.partner_id, a.role or "")
        if key in seen:
            raise InvalidInput(
                f"Assignment {i + 1}: partner {a.partner_id} appears twice in the role {a.role or '(none)'!r}.",
                field="assignments",
            )
        seen.add(key)
    total = sum(a.quantity for a in assignments)
    if total != run.quantity:
        raise InvalidInput(
            f"Assignment quantities add up to {total}, but the run's quantity is {run.quantity}.", field="assignments"
        )
    partners = Partner.objects.in_bulk({a.partner_id for a in assignments})
    missing = sorted({a.partner_id for a in assignments} - set(partners))
    if missing:
        raise InvalidInput(f"Unknown partners: {missing}.", field="assignments")
    inactive = sorted(p.name for p in partners.values() if not p.is_active)
    if inactive:
        raise InvalidInput(f"Inactive partners cannot be assigned: {', '.join(inactive)}.", field="assignments")
    return [(partners[a.partner_id], a.role or "", a.quantity) for a in assignments]


@transaction.atomic
def run_approve(*, run: ProductionRun, actor=None, assignments: list[Assignment] | None = None,
                note: str = "") -> tuple[ProductionRun, list[ProductionRun]]:
    """Approve a run waiting for review, optionally splitting it into child runs.

    With assignments, every assignment becomes an ``approved`` child with that
    partner, role and quantity; the quantities must add up to the run's.
    Without, the run itself must already have a partner.
    """
    run = _lock(run.pk)
    if run.status != RunStatus.PENDING_REVIEW:
        raise InvalidTransition(f"Run {run.pk} is {run.status}; only a run pending review can be approved.")
    validated = _validated_assignments(run, assignments) if assignments is not None else None
    if validated is None and run.partner_id is None:
        raise InvalidInput("This run has no partner: approve it with assignments.", field="assignments")

    now = timezone.now()
    from_status = run.status
    _apply(run, "approve", at=now)
    run.save()
    children = []
    if validated:
        children = ProductionRun.objects.bulk_create(
            ProductionRun(
                status=RunStatus.APPROVED, approved_at=now, parent_run=run, partner=partner, role=role,
                quantity=quantity, design_id=run.design_id, run_type=run.run_type, order_id=run.order_id,
                product_id=run.product_id, variant_id=run.variant_id, snapshot=run.snapshot,
                captured_at=run.captured_at, metadata={**run.metadata, "allocated_from": run.pk},
            )
            for partner, role, quantity in validated
        )
        for partner, role, _ in validated:
            design_link_partner(design=run.design, partner=partner, role=role)
    _record(run, actor=actor, verb="approved", from_status=from_status, note=note,
            data={"children": [c.pk for c in children]} if children else {})
    ProductionRunActivity.objects.bulk_create(
        _activity(c, actor=actor, verb="allocated", note=f"Allocated from run {run.pk}",
                  data={"partner": c.partner_id, "role": c.role, "quantity": c.quantity})
        for c in children
    )
    return run, children


@transaction.atomic
def run_create_allocated(*, design: Design, quantity: int, actor=None, run_type: str = ProductionRun.RunType.PRODUCTION,
                         assignments: list[Assignment] | None = None) -> tuple[ProductionRun, list[ProductionRun]]:
    """Create a run for a design; with assignments, approve it into children at once."""
    run = run_create(design=design, quantity=quantity, actor=actor, run_type=run_type)
    if assignments is None:
        return run, []
    return run_approve(run=run, actor=actor, assignments=assignments)


# --- cancellation and the parent cascade ---------------------------------------------

def _cancel_locked(run: ProductionRun, *, actor, note: str, now) -> None:
    from_status = run.status
    if run.dispatch_state == DispatchState.AWAITING_TEMPLATES:
        run.dispatch_abort()
    _apply(run, "cancel", at=now)
    run.save()
    open_tasks = list(Task.objects.select_for_update().filter(production_run=run, status__in=Task.OPEN))
    for task in open_tasks:
        task.cancel(at=now)
    if open_tasks:
        Task.objects.bulk_update(open_tasks, ["status", "cancelled_at", "updated_at"])
    _record(run, actor=actor, verb="cancelled", from_status=from_status, note=note,
            data={"cancelled_tasks": len(open_tasks)} if open_tasks else {})


@transaction.atomic
def run_cancel(*, run: ProductionRun, actor=None, reason: str = "") -> ProductionRun:
    """Cancel a run, its non-terminal children and every open task below it."""
    run = _lock_family(run.pk)
    if run.is_terminal:
        raise InvalidTransition(f"Run {run.pk} is {run.status} and cannot be cancelled.")
    now = timezone.now()
    for child in ProductionRun.objects.select_for_update().filter(parent_run=run).exclude(status__in=TERMINAL).order_by("id"):
        _cancel_locked(child, actor=actor, note=f"Parent run {run.pk} cancelled. {reason}".strip(), now=now)
    _cancel_locked(run, actor=actor, note=reason, now=now)
    if run.parent_run_id:
        _parent_follow_children(run.parent_run_id, actor=actor)
    return run


def _parent_follow_children(parent_id: int, *, actor) -> None:
    """Make a (locked) parent agree with its children.

    A child in progress moves an approved parent to in progress. When every
    child is terminal: completed with the sums if any child completed,
    cancelled if all were cancelled (nothing is left to produce).
    """
    parent = _lock(parent_id)
    if parent.is_terminal:
        return
    children = list(ProductionRun.objects.filter(parent_run=parent).values_list("status", flat=True))
    now = timezone.now()
    from_status = parent.status
    if all(s in (RunStatus.COMPLETED, RunStatus.CANCELLED) for s in children):
        if RunStatus.COMPLETED in children:
            sums = ProductionRun.objects.filter(parent_run=parent, status=RunStatus.COMPLETED).aggregate(
                produced=Sum("produced_quantity"), rejected=Sum("rejected_quantity"))
            _apply(parent, "follow_children_complete", at=now, produced=sums["produced"] or 0,
                   rejected=sums["rejected"] or 0)
            parent.save()
            _record(parent, actor=actor, verb="completed", from_status=from_status,
                    note="Every child run is finished.", data=sums)
        else:
            _apply(parent, "cancel", at=now)
            parent.save()
            _record(parent, actor=actor, verb="cancelled", from_status=from_status,
                    note="Every child run was cancelled.")
    elif parent.status == RunStatus.APPROVED and any(
        s in (RunStatus.IN_PROGRESS, RunStatus.COMPLETED) for s in children
    ):
        _apply(parent, "follow_children_start", at=now)
        parent.save()
        _record(parent, actor=actor, verb="started", from_status=from_status, note="A child run started.")


# --- dispatch (pause / resume) ---------------------------------------------------------

def _confirm_locked(run: ProductionRun, *, actor, selection: TemplateSelection, templates) -> ProductionRun:
    now = timezone.now()
    tasks = Task.objects.bulk_create(
        Task(production_run=run, partner_id=run.partner_id, design_id=run.design_id, template=t, title=t.name,
             description=t.description, sequence=i)
        for i, t in enumerate(templates, start=1)
    )
    from_status = run.status
    template_ids = [t.pk for t in templates]
    _apply(run, "send_to_partner", at=now)
    run.dispatch_finish(template_ids=template_ids)
    run.save()
    _record(run, actor=actor, verb="dispatched", from_status=from_status,
            note=f"{len(tasks)} tasks created", data={"selection": selection.as_data(), "template_ids": template_ids})
    queue_dispatch_notification(run.pk)
    return run


@transaction.atomic
def dispatch_start(*, run: ProductionRun, actor=None, selection: TemplateSelection | None = None) -> ProductionRun:
    """Start dispatching a childless, approved run to its partner.

    Without a selection the workflow pauses (``awaiting_templates``, persisted)
    until ``dispatch_confirm``; with one it completes at once.
    """
    run = _lock_family(run.pk)
    if run.dispatch_state != DispatchState.IDLE or not run.can_dispatch():
        reason = (
            "it has child runs: dispatch them one by one" if run.has_children()
            else "it has no partner" if run.partner_id is None
            else f"its partner {run.partner.name} is inactive" if not run.partner.is_active
            else f"it is {run.status} with dispatch {run.dispatch_state}"
        )
        raise InvalidTransition(f"Run {run.pk} cannot be dispatched: {reason}.")
    templates = resolve_templates(selection) if selection is not None else None
    run.dispatch_begin(by=actor if getattr(actor, "pk", None) else None, at=timezone.now())
    run.save()
    _record(run, actor=actor, verb="dispatch_started", from_status=run.status, note="Waiting for template selection.")
    if selection is not None:
        _confirm_locked(run, actor=actor, selection=selection, templates=templates)
    return run


def _not_awaiting(run: ProductionRun) -> InvalidTransition:
    return InvalidTransition(
        f"Run {run.pk} has no dispatch waiting for templates (dispatch {run.dispatch_state}).",
        code="not_awaiting_templates",
    )


@transaction.atomic
def dispatch_confirm(*, run: ProductionRun, actor=None, selection: TemplateSelection) -> ProductionRun:
    """Resume a waiting dispatch: create the tasks, send the run, notify the partner.

    Exactly once: the row lock plus the state check turn a second (or
    concurrent) confirm into ``not_awaiting_templates``.
    """
    run = _lock_family(run.pk)
    if not run.is_awaiting_templates():
        raise _not_awaiting(run)
    templates = resolve_templates(selection)
    return _confirm_locked(run, actor=actor, selection=selection, templates=templates)


@transaction.atomic
def dispatch_cancel(*, run: ProductionRun, actor=None) -> ProductionRun:
    run = _lock_family(run.pk)
    if not run.is_awaiting_templates():
        raise _not_awaiting(run)
    run.dispatch_abort()
    run.save()
    _record(run, actor=actor, verb="dispatch_cancelled", from_status=run.status)
    return run


# --- the partner's work ---------------------------------------------------------------

def _start_locked(run: ProductionRun, *, actor, note: str = "") -> None:
    from_status = run.status
    _apply(run, "start", at=timezone.now())
    run.save()
    _record(run, actor=actor, verb="started", from_status=from_status, note=note)
    if run.parent_run_id:
        _parent_follow_children(run.parent_run_id, actor=actor)


@transaction.atomic
def run_start(*, run: ProductionRun, actor=None) -> ProductionRun:
    run = _lock_family(run.pk)
    _start_locked(run, actor=actor)
    return run


@transaction.atomic
def run_complete(*, run: ProductionRun, actor=None, produced_quantity: int | None = None,
                 rejected_quantity: int | None = None, notes: str = "") -> ProductionRun:
    """Finish a run in progress with what was produced and rejected.

    ``rejected`` defaults to 0 and ``produced`` to the rest of the quantity;
    together they may not exceed the quantity.
    """
    run = _lock_family(run.pk)
    if run.status != RunStatus.IN_PROGRESS:
        raise InvalidTransition(f"Run {run.pk} is {run.status}; only a run in progress can be completed.")
    if run.has_children():
        raise InvalidTransition(f"Run {run.pk} completes when its child runs do; complete those.")
    open_tasks = Task.objects.filter(production_run=run, status__in=Task.OPEN).count()
    if open_tasks:
        raise InvalidTransition(f"Run {run.pk} still has {open_tasks} open task(s).", code="open_tasks")
    rejected = 0 if rejected_quantity is None else rejected_quantity
    produced = run.quantity - rejected if produced_quantity is None else produced_quantity
    for name, value in (("rejected_quantity", rejected), ("produced_quantity", produced)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidInput("Must be a whole number of at least 0.", field=name)
    if produced + rejected > run.quantity:
        raise InvalidInput(
            f"Produced ({produced}) plus rejected ({rejected}) exceeds the run's quantity ({run.quantity}).",
            field="produced_quantity",
        )
    from_status = run.status
    _apply(run, "complete", at=timezone.now(), produced=produced, rejected=rejected)
    run.completion_notes = notes
    run.save()
    _record(run, actor=actor, verb="completed", from_status=from_status, note=notes,
            data={"produced_quantity": produced, "rejected_quantity": rejected})
    if run.parent_run_id:
        _parent_follow_children(run.parent_run_id, actor=actor)
    return run


def _lock_task(task_id: int) -> tuple[ProductionRun, Task]:
    run_id = Task.objects.values_list("production_run_id", flat=True).get(pk=task_id)
    run = _lock_family(run_id)
    return run, Task.objects.select_for_update().get(pk=task_id)


def _task_transition(task: Task, name: str, *, actor) -> Task:
    run, task = _lock_task(task.pk)
    if run.is_terminal:
        raise InvalidTransition(f"Run {run.pk} is {run.status}; its tasks cannot change.")
    try:
        getattr(task, name)(at=timezone.now())
    except TransitionNotAllowed as exc:
        raise InvalidTransition(f"Task {task.pk} is {task.status}; cannot {name} it.") from exc
    task.save()
    if run.status == RunStatus.SENT_TO_PARTNER:
        _start_locked(run, actor=actor, note=f"Started with task {task.pk}.")
    verb = "task_started" if name == "start" else "task_completed"
    _record(run, actor=actor, verb=verb, from_status=run.status, note=task.title, data={"task": task.pk})
    return task


@transaction.atomic
def task_start(*, task: Task, actor=None) -> Task:
    """Start a pending task; a run still ``sent_to_partner`` is started with it."""
    return _task_transition(task, "start", actor=actor)


@transaction.atomic
def task_complete(*, task: Task, actor=None) -> Task:
    """Complete a pending or started task; its run is started with it if needed."""
    return _task_transition(task, "complete", actor=actor)


# --- policy -----------------------------------------------------------------------------

@transaction.atomic
def policy_update(*, auto_dispatch: bool, actor=None):
    policy = ProductionPolicy.load()
    policy = ProductionPolicy.objects.select_for_update().get(pk=policy.pk)
    if policy.auto_dispatch != auto_dispatch:
        policy.auto_dispatch = auto_dispatch
        policy.save()
        logger.info("production policy auto_dispatch=%s by %s", auto_dispatch, actor)
    return policy
