"""Addresses under /api/ that no endpoint answers: a JSON 404 whether ``DEBUG`` is on (``make run``) or off.

A POST to an address without its final slash was a 500 with ``DEBUG`` on (Django refuses to redirect a POST,
whose body the redirect would lose) and a redirect that dropped the body with it off."""

from django.test import Client
import pytest

from designs.models import Design

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[True, False], ids=["debug", "production"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


def test_a_post_without_the_final_slash_is_told_the_address_and_writes_nothing(debug, staff_api):
    response = staff_api.post("/api/admin/designs", {"name": "Coat"}, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found. Did you mean /api/admin/designs/ (with a final slash)?",
                               "code": "not_found"}
    assert not Design.objects.exists()


def test_an_action_called_with_a_final_slash_is_told_the_address_without(debug, staff_api):
    response = staff_api.post("/api/admin/production-runs/redispatch/", {}, format="json")
    assert response.status_code == 404
    assert response.json()["detail"] == ("Not found. Did you mean /api/admin/production-runs/redispatch "
                                         "(without a final slash)?")


def test_a_get_without_the_final_slash_is_redirected_with_its_query(debug, staff_api):
    response = staff_api.get("/api/admin/designs?status=approved")
    assert (response.status_code, response["Location"]) == (301, "/api/admin/designs/?status=approved")


@pytest.mark.parametrize("path", ["/api/nothing-here/", "/api/admin/designs/x/y", "/api/", "/api//", "/api/%00/",
                                  "/api/a%0Ab/"])
def test_an_unknown_address_is_a_json_404(debug, staff_api, path):
    for method in (staff_api.get, staff_api.post, staff_api.delete):
        response = method(path)
        assert response.status_code == 404 and response.json() == {"detail": "Not found.", "code": "not_found"}


def test_a_session_client_without_a_csrf_token_gets_the_404_not_a_csrf_page(debug, staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    response = client.post("/api/admin/designs", {"name": "Coat"})
    assert response.status_code == 404 and response.json()["code"] == "not_found"
