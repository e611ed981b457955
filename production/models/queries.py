"""What is asked of runs again and again: roots, what partners may see, task progress."""

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from production.models.states import TERMINAL, sent_q


def late_q(today) -> Q:
    """Not finished, and due before ``today``: the database's statement of ``production.dates.late``."""
    return Q(due_date__lt=today) & ~Q(status__in=TERMINAL)


class ProductionRunQuerySet(models.QuerySet):
    def roots(self):
        return self.filter(parent_run__isnull=True)

    def worked(self):
        """Runs without children: the runs a partner works on (or will), never their parents."""
        return self.filter(~Exists(self.model.objects.filter(parent_run=OuterRef("pk"))))

    def dispatched(self):
        """Runs a partner may see (see ``sent_q``)."""
        return self.filter(sent_q())

    def with_progress(self):
        """Each run's task counts, as correlated subqueries: PostgreSQL works them out only for the rows it
        returns (a page of 50, after ORDER BY and LIMIT), where a join with GROUP BY would count the tasks of
        the partner's whole history first. The list's time stays flat as history grows (``make bench``)."""
        tasks = self.model.tasks.rel.related_model.objects.filter(production_run=OuterRef("pk")).order_by()

        def count(condition: Q):
            counted = tasks.filter(condition).values("production_run").annotate(n=Count("pk")).values("n")
            return Coalesce(Subquery(counted), 0)

        return self.annotate(
            tasks_total=count(~Q(status="cancelled")),
            tasks_completed=count(Q(status="completed")),
            tasks_started=count(Q(started_at__isnull=False)),
        )

    def with_materials(self):
        """Each run's planned materials in one query for the lot, read through ``ProductionRun.material_plan``.

        Into a plain list (``to_attr``): Django's usual prefetch builds a related queryset per run (with the
        plan's annotation), about a quarter of the partner list's time for 50 runs (measured in-process)."""
        plan = self.model.materials.rel.related_model.objects.all()
        return self.prefetch_related(models.Prefetch("materials", queryset=plan, to_attr="prefetched_materials"))

    def late(self, today):
        """Not finished, and due before ``today`` (``production.dates.today()``)."""
        return self.filter(late_q(today))

    def not_late(self, today):
        return self.exclude(pk__in=self.late(today).values("pk"))
