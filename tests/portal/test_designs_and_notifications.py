"""The partner's designs and in-app notifications."""

import pytest

from partners.models import Notification
from production.jobs import notify_partner_of_dispatch
from tests.factories import DesignFactory, DispatchedRunFactory

pytestmark = pytest.mark.django_db


def test_designs_page_lists_only_designs_linked_to_the_partner(portal_a, partner_a, partner_b, category):
    DispatchedRunFactory(partner=partner_a, design=DesignFactory(name="Linen shirt", code="LS-1"), role="cutting", category=category)
    DispatchedRunFactory(partner=partner_b, design=DesignFactory(name="Secret coat"), category=category)

    response = portal_a.get("/portal/designs/")

    assert response.status_code == 200
    assert [d.name for d in response.context["designs"]] == ["Linen shirt"]
    html = response.content.decode()
    assert "LS-1" in html and "cutting" in html and "Secret coat" not in html


def test_designs_page_query_count(portal_a, partner_a, category, django_assert_num_queries):
    for _ in range(3):
        DispatchedRunFactory(partner=partner_a, category=category)
    # 1 session, 2 user, 3 membership + partner, 4 designs, 5 the partner's links to them
    # (prefetch), 6 unread notifications (nav).
    with django_assert_num_queries(6):
        response = portal_a.get("/portal/designs/")
    assert len(response.context["designs"]) == 3


def test_dispatch_notification_shows_newest_first_with_unread_count(portal_a, partner_a, partner_b, category):
    older = DispatchedRunFactory(partner=partner_a, category=category)
    newer = DispatchedRunFactory(partner=partner_a, category=category)
    foreign = DispatchedRunFactory(partner=partner_b, category=category)
    for run in (older, newer, foreign):
        notify_partner_of_dispatch(run.pk)  # what the django-q2 job does after the dispatch commits

    response = portal_a.get("/portal/notifications/")

    titles = [n.title for n in response.context["page"].object_list]
    assert len(titles) == 2
    assert titles[0].startswith(f"New production run #{newer.pk}")
    assert titles[1].startswith(f"New production run #{older.pk}")
    assert response.context["unread_count"] == 2
    html = response.content.decode()
    link = response.context["page"].object_list[0]
    assert link.link == f"/portal/runs/{newer.pk}/" and f'href="/portal/notifications/{link.pk}/"' in html
    assert f"run #{foreign.pk}:" not in html


def test_mark_all_read_clears_only_the_partners_unread_count(portal_a, partner_a, partner_b, run_a, category):
    notify_partner_of_dispatch(run_a.pk)
    foreign = DispatchedRunFactory(partner=partner_b, category=category)
    notify_partner_of_dispatch(foreign.pk)

    response = portal_a.post("/portal/notifications/read/", follow=True)

    assert response.context["unread_count"] == 0
    assert not Notification.objects.filter(partner=partner_a, read_at__isnull=True).exists()
    assert Notification.objects.get(partner=partner_b).read_at is None


def test_unread_count_is_shown_in_the_nav_of_the_hub(portal_a, run_a):
    notify_partner_of_dispatch(run_a.pk)
    html = portal_a.get("/portal/").content.decode()
    assert 'id="unread-count" title="unread">1<' in html


def test_notifications_page_query_count(portal_a, partner_a, category, django_assert_num_queries):
    for _ in range(3):
        notify_partner_of_dispatch(DispatchedRunFactory(partner=partner_a, category=category).pk)
    # 1 session, 2 user, 3 membership + partner, 4 paginator count, 5 the page of
    # notifications, 6 unread notifications (nav).
    with django_assert_num_queries(6):
        response = portal_a.get("/portal/notifications/")
    assert len(response.context["page"].object_list) == 3


def test_opening_a_notification_marks_it_read_and_opens_its_page(portal_a, portal_b, partner_a, run_a):
    from partners.models import Notification

    notify_partner_of_dispatch(run_a.pk)  # what the django-q2 job does after the dispatch commits
    note = Notification.objects.filter(partner=partner_a).latest("id")
    assert note.read_at is None and note.link.startswith("/portal/runs/")
    listing = portal_a.get("/portal/notifications/").content.decode()
    assert f'href="/portal/notifications/{note.pk}/"' in listing
    assert portal_b.get(f"/portal/notifications/{note.pk}/").status_code == 404  # another partner's
    opened = portal_a.get(f"/portal/notifications/{note.pk}/")
    assert opened.status_code == 302 and opened["Location"] == note.link
    note.refresh_from_db()
    assert note.read_at is not None
    Notification.objects.filter(pk=note.pk).update(link="//elsewhere.example/phish", read_at=None)
    assert portal_a.get(f"/portal/notifications/{note.pk}/")["Location"] == "/portal/notifications/"
