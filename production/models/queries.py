"""What is asked of runs again and again: roots, what partners may see, task progress."""

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q

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
        return self.annotate(
            tasks_total=Count("tasks", filter=~Q(tasks__status="cancelled"), distinct=True),
            tasks_completed=Count("tasks", filter=Q(tasks__status="completed"), distinct=True),
            tasks_started=Count("tasks", filter=Q(tasks__started_at__isnull=False), distinct=True),
        )

    def late(self, today):
        """Not finished, and due before ``today`` (``production.dates.today()``)."""
        return self.filter(late_q(today))

    def not_late(self, today):
        return self.exclude(pk__in=self.late(today).values("pk"))
