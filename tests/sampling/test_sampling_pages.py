"""The sampling loop on its pages: send from the design's admin page, review on the run's, the rounds and history
on the design's; the partner reads the review and the notes of the round before in the portal."""

from django.test import Client
import pytest

from designs.models import Design
from production import services
from production.models import ProductionRun

pytestmark = pytest.mark.django_db


def _portal(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _partner_finishes(run_id: int) -> None:
    run = ProductionRun.objects.get(pk=run_id)
    services.run_start(run=run)
    for task in run.tasks.all():
        services.task_complete(task=task)
    services.run_complete(run=ProductionRun.objects.get(pk=run_id))


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_send_review_redo_approve_in_admin(staff_client, jacket, partner_a, user_a, sampling):
    design_page = staff_client.get(f"/admin/designs/design/{jacket.pk}/change/")
    assert b"Send for sampling" in design_page.content and b"Not sampled yet" in design_page.content

    send_url = f"/admin/production/productionrun/send-for-sampling/?design={jacket.pk}"
    page = staff_client.get(send_url)
    # The templates under their category's heading, as on Confirm templates.
    assert page.status_code == 200 and f"<legend>{sampling.name}</legend>" in page.content.decode()
    sent = staff_client.post(send_url, {"partner": partner_a.pk, "quantity": 2, "role": "sampling",
                                        "category": sampling.pk}, follow=True)
    first = ProductionRun.objects.get(design=jacket)
    assert (first.run_type, first.status, first.partner_id, first.tasks.count()) == (
        "sample", "sent_to_partner", partner_a.pk, 2)
    assert any("sent to Atelier A" in m for m in _messages(sent))
    jacket.refresh_from_db()
    assert jacket.status == Design.Status.SAMPLE_PRODUCTION

    run_page = staff_client.get(f"/admin/production/productionrun/{first.pk}/change/")
    assert b"Review sample" not in run_page.content  # not completed yet
    _partner_finishes(first.pk)
    run_page = staff_client.get(f"/admin/production/productionrun/{first.pk}/change/")
    assert b"Review sample" in run_page.content

    review_url = f"/admin/production/productionrun/{first.pk}/review/"
    refused = staff_client.post(review_url, {"decision": "redo", "notes": "", "design_status": "approved"})
    assert refused.status_code == 200 and b"a redo needs notes" in refused.content
    assert ProductionRun.objects.get(pk=first.pk).reviewed_at is None
    # The decision's radios are a group whose question a screen reader reads with each of them.
    assert '<legend class="visually-hidden">Decision</legend>' in staff_client.get(review_url).content.decode()
    no_choice = staff_client.post(review_url, {"notes": "x"}).content.decode()
    assert 'aria-describedby="id_decision_error"' in no_choice and 'id="id_decision_error"' in no_choice

    redone = staff_client.post(review_url, {"decision": "redo", "notes": "Pocket flap 5 mm wider",
                                            "design_status": "approved"}, follow=True)
    second = ProductionRun.objects.get(redo_of=first)
    assert redone.redirect_chain[-1][0] == f"/admin/production/productionrun/{second.pk}/change/"
    assert any("In revision" in m and f"Run #{second.pk}" in m for m in _messages(redone))
    assert b"Redo of" in redone.content and b"Pocket flap 5 mm wider" in redone.content

    portal = _portal(user_a)
    page = portal.get(f"/portal/runs/{second.pk}/").content.decode()
    assert "What to change in this round" in page and "Pocket flap 5 mm wider" in page
    assert page.index("Pocket flap") < page.index("Tasks")  # at the top, before the work
    reviewed = portal.get(f"/portal/runs/{first.pk}/").content.decode()
    assert "Sample to redo" in reviewed
    # It said "a new round has been sent to you" and left the partner to find it.
    assert f'the next round is\n    <a href="/portal/runs/{second.pk}/">run #{second.pk}</a>, sent to you' in reviewed

    _partner_finishes(second.pk)
    approved = staff_client.post(f"/admin/production/productionrun/{second.pk}/review/",
                                 {"decision": "approve", "notes": "Good to go", "design_status": "approved"},
                                 follow=True)
    assert any("is now “Approved”" in m for m in _messages(approved))
    jacket.refresh_from_db()
    assert jacket.status == Design.Status.APPROVED
    done = portal.get(f"/portal/runs/{second.pk}/").content.decode()
    assert "Sample approved" in done
    # The round's own review comes first; the notes it was made to are history now, said so.
    assert "What this round was to change" in done and "What to change in this round" not in done
    assert done.index("Sample approved") < done.index("What this round was to change")

    design_page = staff_client.get(f"/admin/designs/design/{jacket.pk}/change/").content.decode()
    rounds = design_page[design_page.index('id="sampling-rounds"'):design_page.index('id="production-runs"')]
    assert rounds.index(f"#{first.pk}") < rounds.index(f"#{second.pk}")
    assert "Redo requested" in rounds and "Pocket flap 5 mm wider" in rounds
    assert "Approved" in rounds and "Good to go" in rounds
    history = design_page[design_page.index("History"):]
    assert "Sample run" in history and "In revision" in history


def test_review_page_only_for_a_reviewable_run(staff_client, first_round):
    _, child_id = first_round
    page = staff_client.get(f"/admin/production/productionrun/{child_id}/review/", follow=True)
    assert any("not possible now" in m for m in _messages(page))
    assert not ProductionRun.objects.filter(reviewed_at__isnull=False).exists()


def test_send_for_sampling_page_refusals(staff_client, jacket, partner_a, sampling):
    url = f"/admin/production/productionrun/send-for-sampling/?design={jacket.pk}"
    both = staff_client.post(url, {"partner": partner_a.pk, "quantity": 1, "category": sampling.pk,
                                   "templates": [sampling.templates.first().pk]})
    assert b"not both" in both.content
    assert staff_client.get("/admin/production/productionrun/send-for-sampling/?design=abc").status_code == 404
    assert not ProductionRun.objects.exists()
