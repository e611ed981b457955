"""`manage.py seed_demo` (idempotent demo data) and the bench, `make bench` (leaves nothing behind)."""

from decimal import Decimal
import io
import re

from axes.models import AccessLog
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from knox.models import AuthToken
import pytest
from rest_framework.test import APIClient

from bench.command import Command as BenchCommand
from designs.models import Design
from orders.models import Order, OrderLineItem, Product, ProductVariant
from partners.models import Partner
from production.ledger import run_ledger
from production.models import Alert, Payable, ProductionRun
from tasks.models import Task, TaskTemplate, TaskTemplateCategory

User = get_user_model()


def _seed(capture) -> str:
    out = io.StringIO()
    with capture(execute=True):  # the demo order's runs are made on commit
        call_command("seed_demo", force=True, stdout=out)  # tests run with DEBUG off
    return out.getvalue()


def _counts() -> dict:
    models = [User, Partner, Design, TaskTemplateCategory, TaskTemplate, Product, ProductVariant, Order,
              OrderLineItem, ProductionRun, Task]
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.django_db
def test_seed_demo_refuses_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not User.objects.exists() and not Partner.objects.exists()


@pytest.mark.django_db
def test_seed_demo_twice_creates_everything_once(django_capture_on_commit_callbacks, monkeypatch, settings):
    monkeypatch.delenv("DJANGO_SUPERUSER_PASSWORD", raising=False)
    settings.SITE_URL = "http://127.0.0.1:8200"  # as make run PORT=8200 sets it
    first_output = _seed(django_capture_on_commit_callbacks)
    after_first = _counts()

    second_output = _seed(django_capture_on_commit_callbacks)

    assert _counts() == after_first
    assert "nothing created" in second_output
    assert after_first["Partner"] == 2 and after_first["Order"] == 1
    for url in ("http://127.0.0.1:8200/admin/", "http://127.0.0.1:8200/portal/", "http://127.0.0.1:8200/api/docs/"):
        assert url in first_output  # where make run PORT=8200 serves (its SITE_URL)
    assert "admin / admin-demo-pass" in first_output


def _token_login(username: str, password: str) -> bool:
    response = APIClient().post("/api/auth/token/", {"username": username, "password": password}, format="json")
    return response.status_code == 200 and bool(response.data.get("token"))


@pytest.mark.django_db
def test_seed_demo_gives_logins_runs_for_review_and_dispatched_runs(django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "from-the-environment-1")
    output = _seed(django_capture_on_commit_callbacks)

    assert "admin / from-the-environment-1" in output
    assert _token_login("admin", "from-the-environment-1")
    assert User.objects.get(username="admin").is_superuser
    logins = re.findall(r"partner\s+(\S+@partners\.example) / (\S+)", output)
    assert len(logins) == 2
    for email, password in logins:
        assert _token_login(email, password)
        assert User.objects.get(username=email).partner_membership.partner.handle in {"atelier-aurora", "bottega-blu"}

    order = Order.objects.get(external_id="DEMO-1")
    assert order.status == Order.Status.PLACED
    # Every line but the gift card (no design) has its run waiting for review.
    assert ProductionRun.objects.filter(order=order, status="pending_review").count() == order.items.count() - 1

    sent = ProductionRun.objects.filter(status="sent_to_partner", run_type="production").select_related("partner")
    assert sorted((run.partner.handle, run.stage) for run in sent) == [
        ("atelier-aurora", 1), ("bottega-blu", 1), ("bottega-blu", 2)]  # the last: stitching released on its own
    # The knit's sampling: round 1 sent back for a redo, round 2 with Aurora and the notes.
    first, second = ProductionRun.objects.filter(design__code="KNT-005").order_by("id")
    assert (first.review_decision, second.redo_of_id, second.status) == ("redo", first.pk, "sent_to_partner")
    assert second.partner.handle == "atelier-aurora" and first.design.status == "revision"
    # Money: Blu's overshirts paid at the link's 4.50 (11 good), Aurora's cutting of the denim open (38 x 1.80).
    assert list(Payable.objects.filter(status="paid").values_list("partner__handle", "amount", "reference")) == [
        ("bottega-blu", Decimal("49.50"), "DEMO-TRANSFER-001")]
    assert list(Payable.objects.filter(status="open").values_list("partner__handle", "amount")) == [
        ("atelier-aurora", Decimal("68.40"))]
    assert all(run.tasks.count() == 3 for run in sent)
    staged = ProductionRun.objects.get(design__code="DNM-004", parent_run__isnull=True)
    ledger = run_ledger(staged)
    assert [(s.received, s.produced, s.rejected, s.open) for s in ledger.stages] == [(40, 38, 2, 0), (38, 0, 0, 38)]
    assert set(Alert.objects.values_list("kind", flat=True)) == {"rejects"}

    ready = Design.objects.get(status=Design.Status.COMMERCE_READY)
    assert {a["partner"] for a in ready.routing["assignments"]} == set(Partner.objects.values_list("pk", flat=True))
    assert Design.objects.values("status").distinct().count() > 1


@pytest.mark.django_db(transaction=True)
def test_bench_prints_every_row_writes_the_results_and_removes_its_data(require_postgres, tmp_path):
    results = tmp_path / "bench" / "RESULTS.md"
    out = io.StringIO()
    call_command(BenchCommand(), quick=True, output=str(results), stdout=out)  # gunicorn serves the test database

    output = out.getvalue()
    rows = re.sub(r"^\| +(\d+) \|", r"| \1 |", output, flags=re.MULTILINE)  # the part's column, unpadded
    assert "CPU:" in output and "Database: postgresql" in output
    placements = re.findall(r"^\| 1 \| order placement +\| (\d+) lines? -> (\d+) runs? .*\| +(\d+) \|$", rows,
                            flags=re.MULTILINE)
    assert [(lines, runs) for lines, runs, _ in placements] == [("1", "1"), ("3", "3")]
    assert placements[0][2] == placements[1][2]  # queries per placement do not grow with lines
    served = re.findall(r"^\| 2 \| (partner runs API|bare Django view).*\| +[\d.]+ req/s \| +p50 [\d.]+ ms \| "
                        r"+p95 [\d.]+ ms \| +(\d+) \|$", rows, flags=re.MULTILINE)
    assert [label for label, _ in served] == ["partner runs API", "bare Django view"]
    assert int(served[1][1]) < int(served[0][1])  # the bare view does fewer queries
    assert re.search(r"^\| 2 \| API / bare \(throughput ratio\) .*\| +\d+\.\d\d \|", rows, flags=re.MULTILINE)
    assert re.search(r"^\| 3 \| dispatch confirm +\| 3 templates -> 3 tasks .*\| +[\d.]+ ms \| +\| +\d+ \|$",
                     rows, flags=re.MULTILINE)
    assert re.search(r"^\| 4 \| portal hub page .*\| +[\d.]+ ms \| +\| +\d+ \|$", rows, flags=re.MULTILINE)
    ladder = re.findall(r"^\| 5 \| reminder ladder check +\| 30 sent runs, (none|3) due .*\| +[\d.]+ ms \| +\| +(\d+) \|$",
                        rows, flags=re.MULTILINE)
    assert [due for due, _ in ladder] == ["none", "3"]

    written = results.read_text()
    table = "\n".join(line for line in output.splitlines() if line.startswith("|"))
    assert table in written and "CPU:" in written and "Database: postgresql" in written
    copies = re.findall(r"^\| 1 \| placement / COPY +\| (goal <= 3x|) +\| +([\d.]+)x \|", rows, flags=re.MULTILINE)
    assert [goal for goal, _ in copies] == ["goal <= 3x", ""] and all(float(x) > 0 for _, x in copies)
    growth = re.findall(r"^\| (6|7) \| (.+?): growth +\| goal <= ([\d.]+)x +\| +[\d.]+x \|", rows, flags=re.MULTILINE)
    assert growth == [("6", "partner runs API", "1.5"), ("6", "portal hub page", "1.5"), ("7", "admin: new run", "2"),
                      ("7", "admin: allocate", "2"), ("7", "admin: confirm templates", "2")]
    live, with_history = (int(n) for n in re.findall(r"^\| 6 \| partner runs API +\| partner with (\d+) runs ", rows,
                                                       flags=re.MULTILINE))
    assert with_history == live + 20  # the finished runs put behind the live ones (quick: 20)
    # header, rule, 2 sizes (placement, COPY, ratio), API + bare + ratio, confirm, hub, ladder none due + some due,
    # history (API and hub: before, after, growth), admin (3 pages: before, after, growth), the worker and
    # its three legs, six reads at three database sizes and their growth
    assert len(table.splitlines()) == 2 + 2 * 3 + 3 + 1 + 1 + 2 + 2 * 3 + 3 * 3 + 1 + 3 + 6 * 4
    sizes = re.findall(r"^\| 10 \| (.+?): growth +\| ([\d,]+) / ([\d,]+) runs +\| +[\d.]+x \|", rows, flags=re.MULTILINE)
    assert [name for name, _, _ in sizes] == ["partner runs API", "portal hub page", "staff runs API",
                                              "reports overview API", "admin run list", "admin home (dashboard)"]
    assert {(large, small) for _, large, small in sizes} == {("60", sizes[0][2])} and int(sizes[0][2]) < 30
    # A real django-q2 cluster took the orders: each one's tasks appeared, timed.
    assert re.search(r"^\| 9 \| order placed -> partner's tasks \(worker\) \| 2 orders, goal p95 <= 100 ms +\| +\| "
                     r"p50 [\d.]+ ms \| p95 [\d.]+ ms \|", rows, flags=re.MULTILINE)
    legs = re.findall(r"^\| 9 \| +(placement, until|then until the job|then until its tasks).*\| median of 2 +\| +\| +"
                      r"p50 (-?[\d.]+) ms \|", rows, flags=re.MULTILINE)
    assert [leg for leg, _ in legs] == ["placement, until", "then until the job", "then until its tasks"]
    assert all(float(p50) >= 0 for _, p50 in legs)  # each leg starts after the one before ends

    leftovers = [User, Partner, Design, TaskTemplateCategory, TaskTemplate, Product, Order, ProductionRun, Task,
                 AuthToken, Session, AccessLog]
    assert {model.__name__: model.objects.count() for model in leftovers} == dict.fromkeys(
        (model.__name__ for model in leftovers), 0)


@pytest.mark.django_db
def test_seed_demo_gives_the_dashboard_something_late_and_something_due(django_capture_on_commit_callbacks):
    from production.reports import overview

    _seed(django_capture_on_commit_callbacks)
    counts = overview()
    assert (counts["late"], counts["due_soon"]) == (1, 1)  # Aurora's coats are late, Blu's due tomorrow
    order = Order.objects.get(external_id="DEMO-1")
    assert order.promised_date is not None and all(
        run.due_date == order.promised_date for run in order.production_runs.all())
