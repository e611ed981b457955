"""Demo data for a first look: `make run` calls this on every start, so it is idempotent.

Everything is created through the services, each piece only when its natural
key is missing (username, partner handle, category and template name, design
code, SKU, order external id), so a second run creates nothing.

It makes a staff user with a known password, so with ``DJANGO_DEBUG`` off it
refuses to run unless told ``--force`` (a demo on a production-like setup).
"""

from datetime import timedelta
from decimal import Decimal
import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from config.numbers import counted
from designs.materials import bill_line, design_set_bill_of_materials, material_create
from designs.models import Design, Material
from designs.services import design_create, design_link_partner, design_partner_set_rate
from orders.models import Order, ProductVariant
from orders.services import order_create, order_place, product_create
from partners.models import Partner
from partners.services import partner_create
from production.management.demo_data import (
    ADMIN_USERNAME,
    BILLS,
    CATEGORIES,
    DEFAULT_ADMIN_PASSWORD,
    DESIGNS,
    MATERIALS,
    ORDER_EXTERNAL_ID,
    ORDER_ITEMS,
    PARTNERS,
    PRODUCTS,
)
from production.models import ProductionRun, RunStatus
from production.services import (
    Assignment,
    consumption_log,
    dispatch_start,
    payable_pay,
    payables_approve,
    run_complete,
    run_create_allocated,
    run_review,
    sample_send,
    task_complete,
)
from tasks.models import TaskTemplate, TaskTemplateCategory
from tasks.selectors import TemplateSelection
from tasks.services import category_create, template_create

User = get_user_model()


class Command(BaseCommand):
    help = "Create demo users, partners, designs, templates, products, an order and dispatched runs (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true",
                            help="Run even with DJANGO_DEBUG off (it creates logins with known passwords).")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Debug is off: demo data would add logins with known passwords. "
                               "Use --force if this really is a demo.")
        self.created = []
        admin_password = os.environ.get("DJANGO_SUPERUSER_PASSWORD") or DEFAULT_ADMIN_PASSWORD
        with transaction.atomic():
            admin = self._admin(admin_password)
            partners = self._partners()
            categories = self._templates()
            designs = self._designs(partners)
            self._materials(designs)
            self._products(designs)
            self._order()
            self._dispatched_runs(admin, designs["WOL-002"], partners, categories)
            self._staged_run(admin, designs["DNM-004"], partners, categories)
            self._sampling(admin, designs["KNT-005"], partners, categories)
            self._paid_run(admin, designs["LIN-001"], partners, categories)
        # The order's runs are made by the order_placed receiver, on commit: count them after.
        self.stdout.write(("Created: " + ", ".join(self.created)) if self.created else "Demo data already present; nothing created.")
        self._summary(admin_password)

    def _note(self, what: str) -> None:
        self.created.append(what)

    def _admin(self, password: str):
        admin = User.objects.filter(username=ADMIN_USERNAME).first()
        if admin is None:
            admin = User.objects.create_superuser(ADMIN_USERNAME, "admin@brand.example", password)
            self._note("superuser admin")
        return admin

    def _partners(self) -> dict[str, Partner]:
        partners = {}
        for spec in PARTNERS:
            partner = Partner.objects.filter(handle=spec["handle"]).first()
            if partner is None:
                partner = partner_create(
                    name=spec["name"], email=spec["email"], handle=spec["handle"], roles=spec["roles"],
                    owner={"email": spec["email"], "password": spec["password"], "first_name": spec["first_name"]},
                )
                self._note(f"partner {spec['handle']}")
            partners[spec["handle"]] = partner
        return partners

    def _templates(self) -> dict[str, TaskTemplateCategory]:
        categories = {}
        for name, steps in CATEGORIES.items():
            category = TaskTemplateCategory.objects.filter(name=name).first()
            if category is None:
                category = category_create(name=name, description=f"{name} steps")
                self._note(f"category {name}")
            for sequence, step in enumerate(steps, start=1):
                if not TaskTemplate.objects.filter(category=category, name=step).exists():
                    template_create(name=step, category=category, sequence=sequence * 10, estimated_minutes=30)
                    self._note(f"template {name}/{step}")
            categories[name] = category
        return categories

    def _designs(self, partners: dict[str, Partner]) -> dict[str, Design]:
        aurora, blu = partners["atelier-aurora"], partners["bottega-blu"]
        designs = {}
        for code, (name, status, specs) in DESIGNS.items():
            design = Design.objects.filter(code=code).first()
            if design is None:
                routing = None
                if code == "LIN-001":
                    # Aurora cuts every piece, then Blu stitches what was cut well: two stages, one after the other.
                    routing = {"assignments": [{"partner": aurora.pk, "role": "cutting", "share": 1},
                                               {"partner": blu.pk, "role": "stitching", "share": 1, "stage": 2}]}
                design = design_create(name=name, status=status, code=code, specs=specs, routing=routing)
                if code == "LIN-001":  # the prices agreed with each workshop: the default rate of their runs
                    for partner, role, rate in ((aurora, "cutting", "1.20"), (blu, "stitching", "4.50")):
                        link, _ = design_link_partner(design=design, partner=partner, role=role)
                        design_partner_set_rate(link=link, rate=Decimal(rate))
                self._note(f"design {code}")
            designs[code] = design
        return designs

    def _materials(self, designs: dict[str, Design]) -> None:
        """The catalogue, and the bills of materials of the jacket and the overshirt (their runs are planned from them)."""
        materials = {m.name: m for m in Material.objects.filter(name__in=MATERIALS)}
        for name, (unit, unit_cost) in MATERIALS.items():
            if name not in materials:
                materials[name] = material_create(name=name, unit=unit, unit_cost=Decimal(unit_cost))
                self._note(f"material {name}")
        for code, lines in BILLS.items():
            if not designs[code].bill_of_materials.exists():
                design_set_bill_of_materials(design=designs[code], lines=[
                    bill_line(material=materials[name], quantity_per_piece=quantity, role=role)
                    for name, quantity, role in lines])
                self._note(f"bill of materials of {code}")

    def _products(self, designs: dict[str, Design]) -> None:
        for title, design_code, variants in PRODUCTS:
            skus = [sku for sku, _, _ in variants]
            if ProductVariant.objects.filter(sku__in=skus).exists():
                continue
            product_create(
                title=title, design=designs.get(design_code),
                variants=[{"sku": sku, "title": vt, "design": designs.get(code)} for sku, vt, code in variants],
            )
            self._note(f"product {title}")

    def _order(self) -> None:
        if Order.objects.filter(external_id=ORDER_EXTERNAL_ID).exists():
            return
        variants = ProductVariant.objects.select_related("product").in_bulk([sku for sku, _ in ORDER_ITEMS],
                                                                             field_name="sku")
        order = order_create(
            customer_email="customer@shop.example", external_id=ORDER_EXTERNAL_ID,
            promised_date=timezone.localdate() + timedelta(days=21),  # its runs are due then
            items=[{"product": variants[sku].product, "variant": variants[sku], "quantity": quantity,
                    "external_id": f"{ORDER_EXTERNAL_ID}-{i}"} for i, (sku, quantity) in enumerate(ORDER_ITEMS, start=1)],
        )
        order_place(order=order)
        self._note(f"order {ORDER_EXTERNAL_ID}")

    def _dispatched_runs(self, admin, design: Design, partners, categories) -> None:
        """One manual run of coats stitched by both partners, half each (one stage, shared for capacity), each
        part dispatched with its templates."""
        if ProductionRun.objects.filter(design=design, order__isnull=True, parent_run__isnull=True).exists():
            return
        aurora, blu = partners["atelier-aurora"], partners["bottega-blu"]
        today = timezone.localdate()
        _, children = run_create_allocated(design=design, quantity=60, actor=admin, assignments=[
            # Aurora's half was due two days ago (late on the dashboard); Blu's is due tomorrow.
            Assignment(partner_id=aurora.pk, role="stitching", quantity=30, rate=Decimal("6.00"),
                       due_date=today - timedelta(days=2)),
            Assignment(partner_id=blu.pk, role="stitching", quantity=30, rate=Decimal("6.50"),
                       due_date=today + timedelta(days=1)),
        ])
        for child in children:
            dispatch_start(run=child, actor=admin, selection=TemplateSelection(category_id=categories["Stitching"].pk))
        self._note(f"run for {design.code} stitched by both partners, half each")

    def _staged_run(self, admin, design: Design, partners, categories) -> None:
        """A run in two stages: Aurora cut 40 (38 good, 2 with a fabric flaw) using 89.5 m of denim against 88
        planned, so Blu's stitching went out on its own with the 38; the ledger, the staff inbox and the materials
        report have something to show."""
        if ProductionRun.objects.filter(design=design, parent_run__isnull=True).exists():
            return
        aurora, blu = partners["atelier-aurora"], partners["bottega-blu"]
        stitching = TemplateSelection(category_id=categories["Stitching"].pk)
        _, (cutting, _) = run_create_allocated(design=design, quantity=40, actor=admin, assignments=[
            Assignment(partner_id=aurora.pk, role="cutting", quantity=40, rate=Decimal("1.80")),
            Assignment(partner_id=blu.pk, role="stitching", quantity=40, stage=2, selection=stitching,
                       rate=Decimal("5.25")),
        ])
        cutting = dispatch_start(run=cutting, actor=admin, selection=TemplateSelection(
            category_id=categories["Cutting"].pk))
        cutter = aurora.memberships.select_related("user").first().user
        for task in cutting.tasks.all():
            task_complete(task=task, actor=cutter)
        denim = Material.objects.get(name="Selvedge denim 13oz")  # planned: 2.2 m x 40 = 88 m
        consumption_log(run=cutting, material_id=denim.pk, quantity=Decimal("86.4"), actor=cutter)
        consumption_log(run=cutting, material_id=denim.pk, quantity=Decimal("3.1"), kind="wastage", actor=cutter,
                        notes="Flaw in the weave at the end of roll 2.")
        run_complete(run=cutting, actor=cutter, produced_quantity=38, rejected_quantity=2,
                     rejection_reason="fabric_flaw", notes="Two panels with a flaw in the weave.")
        self._note(f"run for {design.code} in two stages: cutting done, stitching sent")

    def _sampling(self, admin, design: Design, partners, categories) -> None:
        """The knit sent for sampling to Aurora, made, and sent back for a redo: round 2 is with Aurora, notes on top."""
        if ProductionRun.objects.filter(design=design, run_type=ProductionRun.RunType.SAMPLE).exists():
            return
        aurora = partners["atelier-aurora"]
        first = sample_send(design=design, partner=aurora, quantity=2, role="sampling", actor=admin,
                            selection=TemplateSelection(category_id=categories["Stitching"].pk))
        maker = aurora.memberships.select_related("user").first().user
        for task in first.tasks.all():
            task_complete(task=task, actor=maker)
        run_complete(run=first, actor=maker, notes="Two samples, size M.")
        run_review(run=first, decision="redo", actor=admin,
                   notes="Rib cuffs 2 cm longer, and a softer yarn tension on the body.")
        self._note(f"sampling of {design.code}: round 1 redone, round 2 with Aurora")

    def _paid_run(self, admin, design: Design, partners, categories) -> None:
        """Blu stitched 12 overshirts at the agreed 4.50 (11 good): its payable is approved and paid, so the
        Payables list and Blu's Payments page have history next to the open ones. It used more thread than
        planned and logged no buttons: the materials report flags both."""
        if ProductionRun.objects.filter(design=design, order__isnull=True, parent_run__isnull=True).exists():
            return
        blu = partners["bottega-blu"]
        _, (child,) = run_create_allocated(design=design, quantity=12, actor=admin, assignments=[
            Assignment(partner_id=blu.pk, role="stitching", quantity=12)])  # the link's rate: 4.50 per piece
        child = dispatch_start(run=child, actor=admin, selection=TemplateSelection(
            category_id=categories["Stitching"].pk))
        maker = blu.memberships.select_related("user").first().user
        for task in child.tasks.all():
            task_complete(task=task, actor=maker)
        thread = Material.objects.get(name="Cotton thread")  # planned 0.6 cone: 0.8 is over plan; buttons not logged
        consumption_log(run=child, material_id=thread.pk, quantity=Decimal("0.8"), actor=maker)
        run_complete(run=child, actor=maker, produced_quantity=11, rejected_quantity=1,
                     rejection_reason="stitching_defect")
        payable = child.payables.get()
        payables_approve(ids=[payable.pk], actor=admin)
        payable_pay(payable=payable, reference="DEMO-TRANSFER-001", actor=admin)
        self._note(f"run for {design.code} completed and paid")

    def _summary(self, admin_password: str) -> None:
        order = Order.objects.filter(external_id=ORDER_EXTERNAL_ID).first()
        pending = ProductionRun.objects.filter(order=order, status=RunStatus.PENDING_REVIEW).count()
        w = self.stdout.write
        w("")
        w(f"Order {ORDER_EXTERNAL_ID}: {counted(pending, 'production run')} pending review.")
        w("")
        w("Open:")
        site = settings.SITE_URL.rstrip("/")  # make run sets it from PORT
        w(f"  Admin:     {site}/admin/")
        w(f"  Portal:    {site}/portal/")
        w(f"  API docs:  {site}/api/docs/")
        w("")
        w("Logins (demo passwords; unchanged if you changed them since):")
        w(f"  staff    {ADMIN_USERNAME} / {admin_password}")
        for spec in PARTNERS:
            w(f"  partner  {spec['email']} / {spec['password']}   ({spec['name']})")
