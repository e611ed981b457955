"""The issue's "done when", through the API: 100 coats cut, stitched, accounted for, and remade."""


from production.models import Alert, ProductionRun
from tests.stages.conftest import partner_url, staff_url, work_through


def test_hundred_coats_every_unit_accounted_for(staff_api, staff_client, workshops, coats, cutting):
    root, (cut, st1, st2) = coats
    assert [c["stage"] for c in (cut, st1, st2)] == [1, 2, 2]
    assert st1["depends_on"] == [cut["id"]] and cut["depends_on"] == []

    # Stitching cannot go out before cutting is done.
    early = staff_api.post(staff_url(st1["id"], "dispatch"), {}, format="json")
    assert early.status_code == 409 and early.json()["code"] == "waiting_for_previous_stage"

    sent = staff_api.post(staff_url(cut["id"], "dispatch"), {"template_category": cutting.pk}, format="json")
    assert sent.status_code == 200, sent.json()
    work_through(workshops["cutter_api"], cut["id"], produced_quantity=95, rejected_quantity=5,
                 rejection_reason="fabric_flaw")

    # Stitching was released with the 95 good units, 57/38, and went out on its own with its templates.
    st1_now, st2_now = (ProductionRun.objects.get(pk=c["id"]) for c in (st1, st2))
    assert (st1_now.quantity, st2_now.quantity) == (57, 38)
    assert st1_now.status == st2_now.status == "sent_to_partner"
    assert st1_now.tasks.count() == 2
    # Sent by the system, not by the cutter whose completion released it.
    assert st1_now.dispatch_started_by is None
    assert st1_now.activities.get(verb="dispatched").actor is None
    seen = workshops["stitcher1_api"].get(partner_url(st1["id"])).json()
    assert seen["received_quantity"] == 57
    assert seen["received_from"] == [{"partner_name": "Cutters Co", "role": "cutting"}]
    assert "Cutters Co" not in str(seen["snapshot"])

    work_through(workshops["stitcher1_api"], st1["id"], produced_quantity=55, rejected_quantity=2,
                 rejection_reason="stitching_defect")
    work_through(workshops["stitcher2_api"], st2["id"], produced_quantity=36, shortfall_reason="Lost in transit")

    parent = staff_api.get(staff_url(root["id"])).json()
    assert parent["status"] == "completed"
    assert (parent["produced_quantity"], parent["rejected_quantity"]) == (91, 7)

    ledger = staff_api.get(staff_url(root["id"], "ledger")).json()
    assert ledger["ordered"] == 100 and ledger["good_output"] == 91 and ledger["unaccounted"] == 0
    stages = [{k: s[k] for k in ("stage", "planned", "received", "produced", "rejected", "shortfall", "open")}
              for s in ledger["stages"]]
    assert stages == [
        {"stage": 1, "planned": 100, "received": 100, "produced": 95, "rejected": 5, "shortfall": 0, "open": 0},
        {"stage": 2, "planned": 100, "received": 95, "produced": 91, "rejected": 2, "shortfall": 2, "open": 0},
    ]
    # The admin picture agrees: per stage, the segments are the ledger's figures; what never arrived is grey.
    bars = staff_client.get(f"/admin/production/productionrun/{root['id']}/change/").context["ledger"]
    assert [({kind: units for kind, _, units, _, _ in bar.segments}, bar.upstream) for bar in bars] == [
        ({"produced": 95, "rejected": 5}, 0), ({"produced": 91, "rejected": 2, "shortfall": 2}, 5)]
    assert sum(width for bar in bars[1:] for *_, width in bar.segments) == 95.0
    kinds = sorted(Alert.objects.values_list("kind", flat=True))
    assert kinds == ["rejects", "rejects", "shortfall"]

    remake = staff_api.post(staff_url(root["id"], "remake"), {}, format="json")
    assert remake.status_code == 201, remake.json()
    assert remake.json()["quantity"] == 9 and remake.json()["status"] == "pending_review"
    assert remake.json()["remake_of"] == root["id"] and remake.json()["metadata"]["source"] == "remake"
    assert staff_api.get(staff_url(root["id"], "ledger")).json()["remakes"] == [remake.json()["id"]]
