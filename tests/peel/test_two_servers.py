"""Two servers, one PostgreSQL and one Redis: a grade published through one is on the other's next page.

Each server is a real gunicorn with its own process and its own connections, sharing only the database and the
Redis cache, as two machines behind a load balancer would. The page is first kept in the shared cache by server
B; a publisher then signs in to server A's admin and approves the grade; B's next answer must carry it.

It needs PostgreSQL (DATABASE_URL) and Redis (PEEL_TEST_REDIS_URL), which CI's PostgreSQL pass provides; the
test process itself keeps its own in-memory cache, so only the servers share Redis.
"""

import http.cookiejar
import importlib
import os
import re
import urllib.parse
import urllib.request
import uuid

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import Group, Permission, User
from django.db import connection

from inspections.models import PillarJudgment
from peel.publishing import Status, workflow
from tests.factories import make_assessment, make_force, make_judgment, make_pillar, make_year
from tests.servers import start_gunicorn, stop

REDIS_URL = os.environ.get("PEEL_TEST_REDIS_URL", "").strip()
HOST = "localhost"  # both servers are asked for one site, as behind a load balancer
PASSWORD = "two servers, one cache"  # noqa: S105 - a throwaway account in the test database

pytestmark = [
    pytest.mark.django_db(transaction=True),  # committed, for the servers to see
    pytest.mark.skipif(
        not (os.environ.get("DATABASE_URL", "").startswith("postgres") and REDIS_URL),
        reason="needs PostgreSQL (DATABASE_URL=postgres://...) and Redis (PEEL_TEST_REDIS_URL=redis://...)",
    ),
]


class Browser:
    """Just enough of a browser for the admin: cookies, and the CSRF token from each form."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path):
        request = urllib.request.Request(self.base + path, headers={"Host": HOST})  # noqa: S310
        with self.opener.open(request, timeout=20) as response:
            return response.status, response.read().decode()

    def post_form(self, path, data):
        """GET the form at ``path`` for its token, then POST ``data`` to it; the final page after redirects."""
        _, form = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        headers = {"Referer": self.base + path, "Host": HOST}
        request = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310
        with self.opener.open(request, timeout=20) as response:
            return response.status, response.read().decode()


def server_environment(database):
    settings = database.settings_dict
    url = (
        f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    )
    return {
        **{name: value for name, value in os.environ.items() if not name.startswith(("DATABASE_", "DJANGO_"))},
        "DATABASE_URL": url,
        "REDIS_URL": REDIS_URL,
        "DJANGO_LOCAL": "true",
        "DJANGO_PLAIN_STATIC": "true",
        "PEEL_RELEASE": f"two-servers-{uuid.uuid4().hex}",  # pages of this run only, in a Redis others may use
        "GUNICORN_ACCESS_LOG": "",
    }


@pytest.fixture
def servers(tmp_path):
    env = server_environment(connection)
    started = []
    for name in ("a", "b"):
        for attempt in range(3):
            process, url = start_gunicorn(env, tmp_path / f"{name}-{attempt}.log", workers=1)
            if process:
                started.append((process, url))
                break
    yield [url for _, url in started]
    for process, _ in started:
        stop(process)


@pytest.fixture
def roles(transactional_db):
    """The Editors and Publishers groups as the data migration makes them: a test that commits starts from a
    database another such test may have emptied, and emptying it keeps permissions but not groups."""
    roles = importlib.import_module("peel.migrations.0002_roles")
    for name, rights in [("Editors", roles.editor_rights()), ("Publishers", roles.publisher_rights())]:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set([roles._permission(Permission, app, codename) for app, codename in rights])


@pytest.fixture
def grade_in_review(roles, editor):
    """Kent's published assessment, with an outstanding grade an editor has sent for review."""
    year = make_year(slug="2031", title="PEEL 2031", label="2031", first_year=2031)
    assessment = make_assessment(force=make_force(name="Kent Police", slug="kent"), year=year)
    make_judgment(assessment=assessment, pillar=make_pillar(year=year, slug="legitimacy", name="Legitimacy"))
    grade = make_judgment(
        assessment=assessment,
        pillar=make_pillar(year=year, slug="efficiency", name="Efficiency", kind="efficiency"),
        grade="outstanding",
        status=Status.DRAFT,
        changed_by=editor,
    )
    workflow.send_for_review(grade, editor)
    return PillarJudgment.objects.get(pk=grade.pk)


@pytest.fixture
def publisher_with_password(roles):
    hasher = PBKDF2PasswordHasher()
    user = User.objects.create(
        username="pat", is_staff=True, password=hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    )
    user.groups.add(Group.objects.get(name="Publishers"))
    return user


def test_a_grade_published_through_one_server_is_on_the_others_next_page(
    servers, grade_in_review, publisher_with_password
):
    server_a, server_b = servers
    reader = Browser(server_b)
    page = "/forces/kent/2031/"
    for _ in range(2):  # the second answer comes from the shared cache
        status, before = reader.get(page)
        assert status == 200 and "Outstanding" not in before and "Legitimacy" in before

    publisher = Browser(server_a)
    publisher.post_form("/admin/login/?next=/admin/", {"username": "pat", "password": PASSWORD})
    approve = f"/admin/inspections/pillarjudgment/{grade_in_review.pk}/publishing/approve/"
    status, _ = publisher.post_form(approve, {"when": "now"})
    assert status == 200
    assert PillarJudgment.objects.get(pk=grade_in_review.pk).status == Status.PUBLISHED

    status, after = reader.get(page)
    assert status == 200 and "Outstanding" in after


def test_a_page_kept_by_one_server_is_served_by_the_other(servers, grade_in_review):
    server_a, server_b = servers
    Browser(server_a).get("/forces/kent/2031/")
    # A write the servers cannot hear of (this test process keeps its own cache) shows that B answers from the
    # page A kept, not from the database.
    PillarJudgment.objects.filter(pk=grade_in_review.pk).update(status=Status.PUBLISHED)
    status, page = Browser(server_b).get("/forces/kent/2031/")
    assert status == 200 and "Outstanding" not in page
