"""The sampling loop: a design goes to a partner as a sample run, staff review the sample, redo until right.

A round is one sample run sent to a partner (or a sample run split across
partners: the parent and its children are one round). Staff review a round
once, when a run of it is completed:

- approve: the design moves to ``approved`` (or ``commerce_ready``);
- redo (with notes): the design moves to ``revision`` and the next round goes
  out at once, to the same partner with the same templates, ``redo_of`` the
  reviewed run. A round split across several partners is allocated again the
  same way, and its first stage dispatched.

Every decision is on the run's timeline and in the design's history, and the
partner is told, with the notes.
"""

from dataclasses import replace

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from config.errors import InvalidInput, InvalidTransition
from config.money import require_payable
from designs.models import Design
from designs.services import design_link_partner, design_set_status
from partners.models import Partner
from production.assignments import Assignment
from production.jobs import queue_review_notification
from production.models import ActivityVerb, ProductionRun, ReviewDecision, RunStatus
from production.services._base import lock_family, record
from production.services.allocation import run_approve, run_create
from production.services.dispatch import dispatch_start
from production.services.payables import rate_of
from tasks.selectors import TemplateSelection

SAMPLE = ProductionRun.RunType.SAMPLE
APPROVED_STATUSES = (Design.Status.APPROVED, Design.Status.COMMERCE_READY)
# Sending a design for sampling moves it on from these; a design already further on keeps its status.
BEFORE_SAMPLING = (Design.Status.CONCEPTUAL, Design.Status.IN_DEVELOPMENT, Design.Status.TECHNICAL_REVIEW,
                   Design.Status.REVISION)


def review_refusal(run: ProductionRun) -> str | None:
    """Why staff cannot review this run now, or None: a completed sample run of a round nobody reviewed yet."""
    if run.run_type != SAMPLE:
        return "it is a production run (only sample runs are reviewed)"
    if run.status != RunStatus.COMPLETED:
        return f"it is {run.get_status_display().lower()}, not completed"
    root_id = run.parent_run_id or run.pk
    # The root first (a parent's id is below its children's): a review at the parent is carried by its children.
    reviewed = (ProductionRun.objects.filter(Q(pk=root_id) | Q(parent_run_id=root_id), reviewed_at__isnull=False)
                .order_by("pk").values_list("pk", flat=True).first())
    if reviewed is not None:
        return "it was reviewed already" if reviewed == run.pk else f"its round was reviewed already (run {reviewed})"
    return None


def _dispatch_again(run: ProductionRun, *, actor, template_ids: list[int]) -> None:
    """Send a redo with the templates of the round before; if they cannot be used any more, it waits for them."""
    try:
        with transaction.atomic():
            dispatch_start(run=run, actor=actor, selection=TemplateSelection(ids=tuple(template_ids)))
    except InvalidInput:  # say a template was deactivated since: staff choose again (the run page says so)
        dispatch_start(run=run, actor=actor)


def _shares(children: list[ProductionRun]) -> list[Assignment]:
    """A split round's allocation again, each child with its templates. A partner that took a second batch of its
    role (a reassigned run) gets the two as one share: an allocation names it once."""
    shares: dict[tuple, Assignment] = {}
    for c in children:
        partner_id, quantity = c.partner_id or c.previous_partner_id, c.planned_quantity or c.quantity
        key = (partner_id, c.role, c.stage)
        if key in shares:
            shares[key] = replace(shares[key], quantity=shares[key].quantity + quantity)
            continue
        shares[key] = Assignment(partner_id=partner_id, quantity=quantity, role=c.role, stage=c.stage, rate=c.rate,
                                 rate_type=c.rate_type,
                                 selection=TemplateSelection(ids=tuple(c.template_ids)) if c.template_ids else None)
    return list(shares.values())


def _redo(run: ProductionRun, *, actor, notes: str) -> ProductionRun:
    """The next round: the same design, quantity and partner (or allocation), dispatched with the same templates.

    The round is the reviewed run's whole round: reviewed at one child of a split round, every partner of it
    makes its share again, as when the round is reviewed at its parent. A maker deactivated since gets nothing:
    the redo waits for review, for staff to allocate (the review itself is not refused)."""
    root = run.parent_run if run.parent_run_id else run  # locked with ``run`` (``lock_family``)
    children = list(root.children.order_by("stage", "id"))
    made_by = [c for c in children if c.status != RunStatus.CANCELLED] if children else [root]
    shares = _shares(children) if len(made_by) > 1 else []
    makers = {made_by[0].partner_id} if len(made_by) == 1 else {a.partner_id for a in shares}
    active = set(Partner.objects.filter(pk__in=makers - {None}, is_active=True).values_list("pk", flat=True))
    gone = makers - active
    alone = len(made_by) == 1 and not gone
    redo = run_create(
        design=root.design, quantity=root.quantity, actor=actor, run_type=SAMPLE, redo_of=run,
        metadata={"source": "redo", "redo_of": run.pk}, note=f"Redo of run {run.pk}: {notes}",
        order_id=root.order_id, product_id=root.product_id, variant_id=root.variant_id,
        **({"partner_id": made_by[0].partner_id, "role": made_by[0].role, "rate": made_by[0].rate,
            "rate_type": made_by[0].rate_type} if alone else {}),
    )
    if gone:
        names = ", ".join(Partner.objects.filter(pk__in=gone - {None}).order_by("name").values_list("name", flat=True))
        record(redo, actor=actor, verb=ActivityVerb.AUTO_DISPATCH_SKIPPED, from_status=redo.status,
               note=f"Not sent: {names or 'the partner who made it'} is no longer active. Allocate it to partners.")
        return redo
    if alone:  # one partner made the sample: the redo goes to it directly
        run_approve(run=redo, actor=actor)
        _dispatch_again(redo, actor=actor, template_ids=made_by[0].template_ids)
        return ProductionRun.objects.get(pk=redo.pk)
    _, new_children = run_approve(run=redo, actor=actor, assignments=shares)
    for child in new_children:
        if child.stage == 1:
            dispatch_start(run=child, actor=actor)
    return ProductionRun.objects.get(pk=redo.pk)


@transaction.atomic
def run_review(*, run: ProductionRun, decision: str, actor=None, notes: str = "",
               design_status: str | None = None) -> tuple[ProductionRun, ProductionRun | None, Design]:
    """Review a completed sample run once: approve it, or ask for a redo (notes required).

    Returns the reviewed run, the redo run (or None) and the design. Two reviews of one
    round at the same moment: the round's root row lock makes the second a 409.
    """
    notes = (notes or "").strip()
    if decision not in ReviewDecision.values:
        raise InvalidInput(f"Choose {' or '.join(ReviewDecision.values)}.", field="decision")
    if decision == ReviewDecision.REDO and not notes:
        raise InvalidInput("Say what to change: a redo needs notes for the partner.", field="notes")
    if decision == ReviewDecision.REDO and design_status:
        raise InvalidInput("A redo moves the design to revision: design_status is for approve.", field="design_status")
    design_status = design_status or Design.Status.APPROVED
    if design_status not in APPROVED_STATUSES:
        raise InvalidInput(f"An approved sample moves the design to {' or '.join(APPROVED_STATUSES)}.",
                           field="design_status")

    run = lock_family(run.pk)  # a child's parent first: the round's root is locked by every review of it
    why = review_refusal(run)
    if why:
        raise InvalidTransition(f"Run {run.pk} cannot be reviewed: {why}.", code="not_reviewable")
    now = timezone.now()
    run.review_decision, run.review_notes, run.reviewed_at = decision, notes, now
    run.reviewed_by = actor if getattr(actor, "pk", None) else None
    run.save(update_fields=["review_decision", "review_notes", "reviewed_at", "reviewed_by", "updated_at"])
    if run.parent_run_id is None:
        # A round reviewed at its parent: its makers are the children, and a partner sees its own runs, never the
        # parent. Each that completed carries the round's review (only a completed sample is reviewed: a check
        # constraint), as its partner is told it (``notify_partner_of_review``).
        run.children.filter(status=RunStatus.COMPLETED).update(review_decision=decision, review_notes=notes, reviewed_at=now,
                                         reviewed_by=run.reviewed_by, updated_at=now)

    redo = _redo(run, actor=actor, notes=notes) if decision == ReviewDecision.REDO else None
    label = ReviewDecision(decision).label
    record(run, actor=actor, verb=ActivityVerb.REVIEWED, from_status=run.status,
           note=f"{label}{f': {notes}' if notes else ''}" + (f" Next round: run {redo.pk}." if redo else ""),
           data={"decision": decision, "notes": notes, "redo": redo.pk if redo else None})
    design = design_set_status(
        design=run.design, status=Design.Status.REVISION if redo else design_status, actor=actor,
        note=f"Sample run {run.pk}: {label.lower()}{f'. {notes}' if notes else ''}",
        data={"run": run.pk, "decision": decision, "redo": redo.pk if redo else None},
    )
    queue_review_notification(run.pk)
    return ProductionRun.objects.get(pk=run.pk), redo, design


@transaction.atomic
def sample_send(*, design: Design, partner: Partner, quantity: int, actor=None,
                selection: TemplateSelection | None = None, role: str = "", note: str = "") -> ProductionRun:
    """Send a design for sampling in one step: a sample run for the partner, approved and dispatched.

    With templates it goes out at once; without, it waits for them (like any dispatch).
    The design moves to ``sample_production`` unless it is already further on.
    """
    if not partner.is_active:
        raise InvalidInput(f"{partner.name} is inactive and cannot be sent samples.", field="partner")
    link, _ = design_link_partner(design=design, partner=partner, role=role)
    rate, rate_type = rate_of(link)  # the price agreed for this design and role, if any
    run = run_create(design=design, quantity=quantity, actor=actor, run_type=SAMPLE, partner=partner, role=role,
                     rate=rate, rate_type=rate_type, metadata={"source": "sampling"},
                     note=note or f"Sent for sampling to {partner.name}.")
    require_payable(rate, rate_type, run.quantity, field="quantity", what="The agreed rate")  # rolls run_create back
    run_approve(run=run, actor=actor)
    dispatch_start(run=run, actor=actor, selection=selection)
    design_set_status(design=design, status=Design.Status.SAMPLE_PRODUCTION, actor=actor, only_from=BEFORE_SAMPLING,
                      note=f"Sent for sampling to {partner.name} (run {run.pk}).", data={"run": run.pk})
    return ProductionRun.objects.get(pk=run.pk)
