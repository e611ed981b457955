"""Walk every page reachable from the admin and the portal on the database configured (``make run``'s SQLite).

Run as a script by ``test_embedded_default.py`` after ``migrate`` and ``seed_demo``: it logs in as the demo's
staff user and as each demo partner's owner, follows every link of the site (GET only, a few pages per URL
shape), and prints each page that answers a server error, or that points a screen reader at an element it
does not have (``aria-describedby``, ``aria-labelledby``, ``<label for>``), then exits 1 if there was one.
"""

from collections import Counter, deque
import os
import re
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402 (after setup)
from django.test import Client  # noqa: E402

from partners.models import PartnerMembership  # noqa: E402

PER_SHAPE = 3  # pages per URL shape (ids replaced by N): every view, not every object
SKIP = re.compile(r"/(logout|export|download)|\.csv|/api/|/static/|/media/|/jsi18n/")
LINK = re.compile(r'(?:href|hx-get)="(/(?:admin|portal)/[^"#]*)"')
REFERENCE = re.compile(r'(?:aria-describedby|aria-labelledby|\sfor)="([^"]+)"')
ID = re.compile(r'\sid="([^"]+)"')
# Django's own templates: a tabular inline shows a field's help as its column header's tooltip, and the user
# page's password hash has help it never renders, while the fields still point at the ids (Django 5.2).
DJANGOS_OWN = re.compile(r"^id_(variants|bill_of_materials|partner_links)-[\w-]+_helptext$|^id_password_helptext$")


def broken_references(html: str) -> list[str]:
    """The ids a label or an ARIA reference names that the page does not have (a hint read to nobody)."""
    ids = set(ID.findall(html))
    return sorted({ref for refs in REFERENCE.findall(html) for ref in refs.split()
                   if ref not in ids and not DJANGOS_OWN.match(ref)})


def walk(client: Client, start: str) -> tuple[int, list[str]]:
    seen, shapes, failures = {start}, Counter(), []
    queue = deque([start])
    while queue:
        url = queue.popleft()
        response = client.get(url.replace("&amp;", "&"))
        if response.status_code >= 500:
            failures.append(f"{response.status_code} {url}")
        if "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        if missing := broken_references(html):
            failures.append(f"{url} refers to missing ids: {', '.join(missing)}")
        for link in LINK.findall(html):
            shape = re.sub(r"\d+", "N", link.split("?")[0])
            if link in seen or SKIP.search(link) or shapes[shape] >= PER_SHAPE:
                continue
            seen.add(link)
            shapes[shape] += 1
            queue.append(link)
    return len(seen), failures


def main() -> int:
    staff = Client(raise_request_exception=False)
    staff.force_login(get_user_model().objects.get(is_superuser=True))
    pages, failures = walk(staff, "/admin/")
    for membership in PartnerMembership.objects.filter(role=PartnerMembership.Role.OWNER).select_related("user"):
        partner = Client(raise_request_exception=False)
        partner.force_login(membership.user)
        seen, more = walk(partner, "/portal/")
        pages, failures = pages + seen, failures + more
    print(f"{pages} pages walked, {len(failures)} failures")
    print("\n".join(failures))
    return 1 if failures or pages < 50 else 0


if __name__ == "__main__":
    sys.exit(main())
