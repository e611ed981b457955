"""``make run``'s database is SQLite, the rest of the suite's PostgreSQL: every page of the demo must work on both.

The allocation page once built its role suggestions with a UNION whose parts kept their default ordering, which
PostgreSQL allows and SQLite refuses: the page was a 500 on a laptop and green in CI. The walk
(``embedded_walk.py``) follows every admin and portal link of the demo data on a fresh SQLite file.
"""

import os
import subprocess
import sys

from django.conf import settings
import pytest


def _run(env, *args):
    return subprocess.run([sys.executable, *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.mark.slow
def test_every_page_of_the_demo_works_on_the_embedded_database(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}", "DJANGO_DEBUG": "true",
           "PYTHONPATH": str(settings.BASE_DIR)}
    for step in (["manage.py", "migrate", "--noinput"], ["manage.py", "seed_demo"]):
        done = _run(env, *step)
        assert done.returncode == 0, done.stderr[-3000:]
    walked = _run(env, "tests/hardening/embedded_walk.py")
    print(walked.stdout)
    assert walked.returncode == 0, walked.stdout[-3000:] + walked.stderr[-3000:]
    assert " 0 failures" in walked.stdout
