"""``manage.py qcluster``: django-q2's cluster, stopping cleanly when its whole process group gets SIGTERM.

It shadows django-q2's own command (``production`` comes before ``django_q`` in
INSTALLED_APPS). django-q2's sentinel resets SIGTERM to the default action, so a
SIGTERM to the process group (systemd's default, ``make run``'s Ctrl-C) kills it
in the middle of waiting on an event it shares with the main process, which then
blocks forever. Here the sentinel, and the pusher, workers and monitor it forks,
ignore SIGTERM: only the main process acts on it, with the cluster's own graceful
stop (the pusher stops taking jobs, each worker finishes the job in hand, the
monitor saves the results). A job a hard kill interrupts is delivered again by the
broker (django-q2's ``retry``), and jobs here are safe to run twice.
"""

import signal

from django_q import cluster
from django_q.management.commands import qcluster


class Sentinel(cluster.Sentinel):
    def start(self):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # forked workers inherit it
        super().start()


class Command(qcluster.Command):
    help = "Starts the django-q2 worker cluster (stops cleanly on SIGTERM to its process group)."

    def handle(self, *args, **options):
        cluster.Sentinel = Sentinel  # Cluster.start() forks the sentinel by this module-level name
        super().handle(*args, **options)
