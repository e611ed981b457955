from django.db import transaction
from django.utils import timezone

from config.errors import InvalidInput
from config.money import RateType, require_rate
from config.saving import save_unique
from designs.models import Design, DesignActivity, DesignPartner
from designs.routing import parse_routing
from partners.models import Partner

EDITABLE_FIELDS = ("name", "code", "status", "specs", "routing")


def routing_check(raw) -> None:
    """Raise InvalidInput unless ``raw`` is a valid routing naming existing partners (forms show the message)."""
    routing = parse_routing(raw, strict=True)
    if routing is None:
        return
    wanted = {a.partner_id for a in routing.assignments}
    known = set(Partner.objects.filter(id__in=wanted).values_list("id", flat=True))
    if wanted - known:
        raise InvalidInput(f"Unknown partner ids in routing: {sorted(wanted - known)}.", field="routing")


def _save(design: Design, update_fields: list[str] | None = None) -> Design:
    return save_unique(design, message=f"A design with the code {design.code!r} already exists.", field="code",
                       update_fields=update_fields)


@transaction.atomic
def design_create(*, name: str, status: str = Design.Status.CONCEPTUAL, code: str = "", specs: dict | None = None,
                  routing: dict | None = None) -> Design:
    routing_check(routing)
    return _save(Design(name=name, status=status, code=code, specs=specs or {}, routing=routing))


@transaction.atomic
def design_update(*, design: Design, actor=None, **changes) -> Design:
    """Edit a design; a change of its status goes to its history."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(f"Cannot change {', '.join(sorted(unknown))}.")
    if "routing" in changes:
        routing_check(changes["routing"])
    # The row as it is now, locked, and only the changes written: a sample review's status stays (save_unique).
    design.refresh_from_db(from_queryset=Design.objects.select_for_update())
    from_status = design.status
    for field, value in changes.items():
        setattr(design, field, value)
    design = _save(design, update_fields=[*changes, "updated_at"])
    if design.status != from_status:
        _record(design, actor=actor, from_status=from_status, note="Edited.")
    return design


def _record(design: Design, *, actor, from_status: str, note: str = "", data: dict | None = None) -> DesignActivity:
    return DesignActivity.objects.create(
        design=design, actor=actor if getattr(actor, "pk", None) else None, from_status=from_status,
        to_status=design.status, note=note, data=data or {},
    )


@transaction.atomic
def design_set_status(*, design: Design, status: str, actor=None, note: str = "", data: dict | None = None,
                      only_from: tuple[str, ...] | None = None) -> Design:
    """Move a design to ``status`` (under a row lock) and write the entry in its history, even when it stays.

    The sampling loop calls this for every review decision: the history shows each decision.
    ``only_from``: move it only from these statuses, as the locked row has it (a review may have moved it on
    since the caller read it); from any other, nothing changes and nothing is written.
    """
    design = Design.objects.select_for_update().get(pk=design.pk)
    from_status = design.status
    if only_from is not None and from_status not in only_from:
        return design
    if status != from_status:
        design.status = status
        design.save(update_fields=["status", "updated_at"])
    _record(design, actor=actor, from_status=from_status, note=note, data=data)
    return design


def design_link_partner(*, design: Design, partner: Partner, role: str = "") -> tuple[DesignPartner, bool]:
    """Link a partner to a design (idempotent; safe under concurrency).

    ``get_or_create`` reads first and creates inside its own savepoint, reading again when a concurrent
    caller's row wins the unique constraint: an existing link (the usual case) costs one query.
    """
    return DesignPartner.objects.get_or_create(design=design, partner=partner, role=role or "")


@transaction.atomic
def design_partner_set_rate(*, link: DesignPartner, rate, rate_type: str = RateType.PER_UNIT) -> DesignPartner:
    """The rate agreed with the partner for this design and role: the default rate of the runs it is given."""
    link.rate, link.rate_type = require_rate(rate, rate_type)
    link.save(update_fields=["rate", "rate_type"])
    return link


@transaction.atomic
def design_unlink_partner(*, link: DesignPartner) -> None:
    """The partner no longer works on the design (its runs keep their snapshot)."""
    DesignPartner.objects.filter(pk=link.pk).delete()


def design_snapshot(design: Design, *, partner_links=None) -> dict:
    """What a production run keeps of its design at the moment it is captured.

    ``partner_links`` may be passed pre-fetched (bulk callers) to keep query counts flat.
    """
    links = partner_links if partner_links is not None else design.partner_links.all()
    return {
        "id": design.id,
        "name": design.name,
        "code": design.code,
        "status": design.status,
        "specs": design.specs,
        "routing": design.routing,
        "partners": [{"partner": link.partner_id, "role": link.role} for link in links],
        "updated_at": design.updated_at.isoformat() if design.updated_at else None,
        "captured_at": timezone.now().isoformat(),
    }
