"""Part 10 of the bench: how each read grows with the whole database, at about 100, 10,000 and 100,000 runs.

The bench partner keeps its own runs; the runs added belong to 50 other partners (mostly completed, some in
progress or just sent, two tasks each), as a busy installation's history would. They are copied in SQL from one
of the bench partner's runs and its tasks (``generate_series``: Python builds nothing per row) and committed: a
rolled-back insert would leave every row's visibility to be checked, which a live database does not pay. The
tables are vacuumed and analyzed as autovacuum would, and the rows deleted afterwards.
"""

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from bench.harness import API_PATH, HUB_PATH, Row, Sizes, ms, settle
from bench.scaling import _median_get
from partners.models import Partner
from production.models import ProductionRun
from tasks.models import Task

OTHER_PARTNERS = 50
RUN_MODELS = (ProductionRun, Task)  # what the copy adds to
READS = {
    "partner runs API": API_PATH,
    "portal hub page": HUB_PATH,
    "staff runs API": "/api/admin/production-runs/",
    "reports overview API": "/api/admin/reports/overview",
    "admin run list": "/admin/production/productionrun/",
    "admin home (dashboard)": "/admin/",
}


def _copy_runs(template: ProductionRun, partner_ids: list[int], count: int, offset: int) -> None:
    """``count`` runs like ``template`` for the other partners, sent an hour apart further back, with two tasks each."""
    quote = connection.ops.quote_name
    varying = {
        "partner_id": "(%(partners)s::bigint[])[1 + g %% %(n)s]",
        "status": "CASE g %% 20 WHEN 0 THEN 'in_progress' WHEN 1 THEN 'sent_to_partner' ELSE 'completed' END",
        "sent_at": "t.sent_at - g * interval '1 hour'",
        "started_at": "CASE WHEN g %% 20 = 1 THEN NULL ELSE t.sent_at - g * interval '1 hour' END",
        "completed_at": "CASE WHEN g %% 20 > 1 THEN t.sent_at - (g - 20) * interval '1 hour' END",
        "produced_quantity": "CASE WHEN g %% 20 > 1 THEN t.quantity END",
        "created_at": "t.sent_at - g * interval '1 hour'",
        "parent_run_id": "NULL",  # runs of their own (one parent may not give a partner the same role twice)
    }
    runs = [f for f in ProductionRun._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(quote(f.column) for f in runs)
    values = ", ".join(varying.get(f.column, f"t.{quote(f.column)}") for f in runs)
    tasks = [f for f in Task._meta.concrete_fields if not f.primary_key]
    task_varying = {"production_run_id": "r.id", "partner_id": "r.partner_id", "sequence": "s",
                    "status": "CASE r.status WHEN 'completed' THEN 'completed' ELSE 'pending' END",
                    "completed_at": "CASE r.status WHEN 'completed' THEN now() END"}
    params = {"partners": partner_ids, "n": len(partner_ids), "template": template.pk, "count": count,
              "offset": offset}
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH new AS (INSERT INTO {quote(ProductionRun._meta.db_table)} ({columns}) "
            f"SELECT {values} FROM {quote(ProductionRun._meta.db_table)} t, "
            f"generate_series(%(offset)s + 1, %(offset)s + %(count)s) g WHERE t.id = %(template)s RETURNING id, "
            "partner_id, status) "
            f"INSERT INTO {quote(Task._meta.db_table)} ({', '.join(quote(f.column) for f in tasks)}) "
            f"SELECT {', '.join(task_varying.get(f.column, f't.{quote(f.column)}') for f in tasks)} "
            f"FROM new r, generate_series(1, 2) s, {quote(Task._meta.db_table)} t "
            "WHERE t.id = (SELECT min(id) FROM tasks_task WHERE production_run_id = %(template)s)",
            params)


def _remove(partner_ids: list[int]) -> None:
    """The runs added for ``partner_ids`` and their tasks, in SQL (the ORM's delete would load them all first)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Task._meta.db_table} WHERE partner_id = ANY(%s)", [partner_ids])
        cursor.execute(f"DELETE FROM {ProductionRun._meta.db_table} WHERE partner_id = ANY(%s)", [partner_ids])


def dbsize_rows(tag: str, partner: Partner, user, token: str, p: Sizes, notes: list[str]) -> list[Row]:
    if connection.vendor != "postgresql":
        notes.append("10: skipped: the runs are copied with PostgreSQL's generate_series.")
        return []
    partner_api = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT="application/json")
    portal, staff = Client(), Client()
    portal.force_login(user, backend="partners.backends.EmailOrUsernameBackend")
    staff.force_login(get_user_model().objects.create_superuser(f"{tag.lower()}-size", f"{tag.lower()}-s@bench.invalid",
                                                                None))
    clients = {API_PATH: partner_api, HUB_PATH: portal}
    template = ProductionRun.objects.filter(partner=partner, tasks__isnull=False).order_by("id").first()
    others = [o.pk for o in Partner.objects.bulk_create(
        Partner(name=f"{tag} other {i}", handle=f"{tag.lower()}-o{i}", email=f"o{i}@bench.invalid", roles=["cutting"])
        for i in range(OTHER_PARTNERS))]
    timings: dict[str, list[float]] = {name: [] for name in READS}
    sizes, added = [], 0
    try:
        settle(RUN_MODELS)
        for path in READS.values():  # warm every read first, so the smallest database is not measured cold
            _median_get(clients.get(path, staff), path, 3)
        for target in (0, *p.database_runs):
            present = ProductionRun.objects.count()
            if target:
                if present >= target:
                    continue  # a database already this large: the step says nothing new
                _copy_runs(template, others, target - present, added)
                added += target - present
                settle(RUN_MODELS)
            sizes.append(ProductionRun.objects.count())
            for name, path in READS.items():
                timings[name].append(_median_get(clients.get(path, staff), path, p.hub_requests))
    finally:
        _remove(others)  # the partners, the superuser and the bench partner go with the bench's clean-up
        portal.logout()  # and their sessions with these
        staff.logout()
    rows = []
    for name, samples in timings.items():
        for size, seconds in zip(sizes, samples, strict=True):
            rows.append(Row(10, name, f"database of {size:,} runs", median=ms(seconds)))
        rows.append(Row(10, f"{name}: growth", f"{sizes[-1]:,} / {sizes[0]:,} runs",
                        throughput=f"{samples[-1] / samples[0]:.2f}x"))
    notes.append(f"10: each read in-process (Django's test client), median of {p.hub_requests} after a warm-up, with "
                 f"the database as the bench found it ({sizes[0]:,} runs), then with runs added to "
                 f"{', '.join(f'{s:,}' for s in sizes[1:])} (of {OTHER_PARTNERS} other partners: 90% completed, 5% in "
                 "progress, 5% sent, two tasks each; copied in SQL, committed and vacuumed as autovacuum would, "
                 "deleted afterwards). The partner reads are the bench partner's (its own runs unchanged); the staff "
                 "reads are a superuser's.")
    return rows
