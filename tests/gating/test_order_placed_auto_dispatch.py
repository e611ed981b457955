"""End to end: an order placed through the API becomes dispatched child runs when the policy is on."""

from django.core import mail
import pytest

from production.models import ProductionRun, ProductionRunActivity
from production.services import policy_update
from tests.gating.helpers import make_design, order_born_run, routing

pytestmark = pytest.mark.django_db


def _place_order(staff_api, design_id, quantity):
    product = staff_api.post("/api/admin/products/", {"title": "Shirt", "design": design_id, "variants": []},
                             format="json")
    assert product.status_code == 201, product.data
    order = staff_api.post("/api/admin/orders/", {"customer_email": "buyer@example.com",
                                                  "items": [{"product": product.data["id"], "quantity": quantity}]},
                           format="json")
    assert order.status_code == 201, order.data
    placed = staff_api.post(f"/api/admin/orders/{order.data['id']}/place")
    assert placed.status_code == 200, placed.data
    return order.data["id"]


def test_placed_order_for_a_routed_design_ends_dispatched(q_sync, staff_api, partner_a, partner_b, user_a, user_b,
                                                          django_capture_on_commit_callbacks):
    assert staff_api.patch("/api/admin/production-policy/", {"auto_dispatch": True}, format="json").status_code == 200
    category = staff_api.post("/api/admin/task-template-categories/", {"name": "Cutting"}, format="json").data
    for name, sequence in (("Cut", 2), ("Lay fabric", 1)):
        created = staff_api.post("/api/admin/task-templates/",
                                 {"name": name, "category": category["id"], "sequence": sequence}, format="json")
        assert created.status_code == 201, created.data
    design = staff_api.post("/api/admin/designs/", {
        "name": "Linen shirt", "status": "commerce_ready",
        "routing": {"assignments": [{"partner": partner_a.pk, "role": "cutting", "share": 1},
                                    {"partner": partner_b.pk, "role": "stitching", "share": 1}],
                    "template_category": category["id"]},
    }, format="json")
    assert design.status_code == 201, design.data

    # Placing fires order_placed on commit; the runs it creates queue the job on commit,
    # and the job queues the partners' notifications on commit: run them all.
    with django_capture_on_commit_callbacks(execute=True):
        order_id = _place_order(staff_api, design.data["id"], 7)

    roots = staff_api.get("/api/admin/production-runs/", {"order": order_id, "root": "true"}).data["results"]
    assert [(r["status"], r["quantity"], r["metadata"]["source"]) for r in roots] == [("approved", 7, "order.placed")]
    children = staff_api.get("/api/admin/production-runs/", {"parent_run": roots[0]["id"]}).data["results"]
    assert sorted((c["partner"], c["quantity"], c["status"], c["dispatch_state"]) for c in children) == sorted([
        (partner_a.pk, 4, "sent_to_partner", "completed"),
        (partner_b.pk, 3, "sent_to_partner", "completed"),
    ])
    for child in children:
        detail = staff_api.get(f"/api/admin/production-runs/{child['id']}/").data
        assert [t["title"] for t in detail["tasks"]] == ["Lay fabric", "Cut"]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([user_a.email, user_b.email])
    family = ProductionRunActivity.objects.filter(run__order_id=order_id)
    assert not family.filter(actor__isnull=False).exists()


def test_placed_order_with_the_policy_off_waits_for_review_and_says_why(q_sync, staff_api, partner_a,
                                                                        django_capture_on_commit_callbacks):
    design = make_design(routing=routing((partner_a, "cutting", 1)))
    with django_capture_on_commit_callbacks(execute=True):
        order_id = _place_order(staff_api, design.pk, 3)

    (run,) = ProductionRun.objects.filter(order_id=order_id)
    assert (run.status, run.dispatch_state) == ("pending_review", "idle")
    notes = list(ProductionRunActivity.objects.filter(run=run).values_list("verb", "note"))
    assert len(notes) == 1 and notes[0][0] == "created" and "automatic dispatch is off" in notes[0][1]


def test_order_born_run_is_noted_for_the_job_when_the_policy_is_on(partner_a):
    policy_update(auto_dispatch=True)
    run = order_born_run(make_design(routing=routing((partner_a, "cutting", 1))), 3)
    assert "Automatic dispatch is on" in ProductionRunActivity.objects.get(run=run, verb="created").note
