"""The publication rule, surface by surface: nothing the public may not see yet, or any more, shows anywhere.

Each authored kind (an inspection year, an assessment, a pillar judgment, a report, a consultation) is put in
each state the public must not see: a draft, in review, scheduled for later, scheduled but held by its release
(no time yet) and withdrawn. Every public surface that would show it (pages, downloads, the API, the feed, the
sitemap, the consultation banner) is then read, and the item's markers must be missing from it, its own pages
a 404. Then the item is put in each state the public does see (scheduled and due an hour ago, scheduled and due
the moment before the page is read, published) and every marker must be there.

A draft, in-review or withdrawn item gets a ``publish_at`` in the past here, as a withdrawn one really has: the
time alone must never make an item public. A child is public only with its parents, so a published assessment
in a year scheduled for later shows nowhere either. Last, a hidden consultation takes no response, every public
route is in the matrix, and a fresh process whose first page is a staff preview still hides drafts from the API.

The world is small and every marker is an invented word or address, so nothing else on a page can carry it.
Pages that only count grades (the home page's glance, the years list, the API's year) are marked by the counts
the target's grades would add: only the target force is graded outstanding, and there are two forces.
"""

import html
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from forces.models import Force
from inspections.models import Assessment, InspectionYear, PillarJudgment, Report
from peel.publishing import Status
from tests.consultations.factories import make_consultation
from tests.factories import (
    make_assessment,
    make_judgment,
    make_pillar,
    make_question,
    make_question_judgment,
    make_region,
    make_report,
    make_year,
)

pytestmark = pytest.mark.django_db

DAY, HOUR = timedelta(days=1), timedelta(hours=1)

# (status, publish_at relative to now; None for no time at all)
HIDDEN_STATES = {
    "draft": (Status.DRAFT, -DAY),
    "in-review": (Status.REVIEW, -DAY),
    "scheduled-not-due": (Status.SCHEDULED, DAY),
    "scheduled-held-by-release": (Status.SCHEDULED, None),
    "withdrawn": (Status.WITHDRAWN, -DAY),
}
DUE_STATES = {
    "scheduled-due-an-hour-ago": (Status.SCHEDULED, -HOUR),
    # Due the moment the test sets it, after the site has started (see the ``world`` fixture): nothing may read
    # the clock once, when the code is first loaded, and keep that time.
    "scheduled-due-just-now": (Status.SCHEDULED, timedelta(0)),
    "published": (Status.PUBLISHED, -DAY),
}
STATES = HIDDEN_STATES | DUE_STATES


# -- The world ----------------------------------------------------------------------------------------------------

# Invented words each carried by one item only.
YEAR = "zephyrian"  # the year's slug, title and label
FORCE, OTHER_FORCE = "zorblax", "plainshire"  # the target force and a control force, always graded
PILLAR = "quillwork"
ASSESSMENT_PAGE = f"/forces/{FORCE}/{YEAR}/"
PILLAR_PAGE = f"{ASSESSMENT_PAGE}{PILLAR}/"
OBSERVATIONS = "Glimmerfen"  # in the target assessment's observations
FINDINGS = "Quibbleton"  # in the target pillar judgment's summary
GRADE_SOURCE = "zorblax-grades.example"  # the host of the target judgment's and question judgment's source_url
REPORT = "Thistlewick inspection"  # a report of the target force and the year
YEARLESS_REPORT = "Brackenmoor review"  # a report of the target force and no year
CONSULTATION = "wobbleford"  # the open consultation's slug, and a word of its title


def make_publication_world():
    """Two forces graded in one year on one pillar with one question: the target (outstanding, with a report
    of the year and one of no year) and a control (inadequate); and an open consultation. Everything published."""
    region = make_region(name="Fenland", slug="fenland")
    force = Force.objects.create(name="Zorblax Constabulary", short_name="Zorblax", slug=FORCE, region=region)
    other = Force.objects.create(name="Plainshire Police", short_name="Plainshire", slug=OTHER_FORCE, region=region)
    year = make_year(slug=YEAR, title=f"PEEL {YEAR.title()}", label=YEAR.title(), first_year=2090)
    pillar = make_pillar(year=year, name=PILLAR.title(), slug=PILLAR, headline_question="How well does it quill?")
    question = make_question(pillar=pillar, text="Does it quill?")
    assessment = make_assessment(force=force, year=year, observations=f"{OBSERVATIONS} observations.")
    judgment = make_judgment(
        assessment=assessment,
        pillar=pillar,
        grade="outstanding",
        summary=f"{FINDINGS} findings.",
        source_url=f"https://{GRADE_SOURCE}/{PILLAR}",
    )
    make_question_judgment(
        pillar_judgment=judgment, question=question, grade="outstanding", source_url=f"https://{GRADE_SOURCE}/q1"
    )
    other_judgment = make_judgment(
        assessment=make_assessment(force=other, year=year), pillar=pillar, grade="inadequate"
    )
    make_question_judgment(pillar_judgment=other_judgment, question=question, grade="inadequate")
    return SimpleNamespace(
        year=year,
        assessment=assessment,
        judgment=judgment,
        report=make_report(force=force, year=year, title=REPORT, summary="What the inspection found."),
        yearless_report=make_report(force=force, title=YEARLESS_REPORT),
        consultation=make_consultation(
            slug=CONSULTATION, title=f"Consultation on {CONSULTATION.title()} patrols", summary="Should it patrol?"
        ),
    )


@pytest.fixture
def world(db):
    reverse("api:judgment-list")  # the site is up, every module loaded, before any item's time comes
    return make_publication_world()


def put_in(item, state):
    """Set an item's state straight in the database, as the workflow would leave it."""
    status, offset = STATES[state]
    publish_at = None if offset is None else timezone.now() + offset
    type(item).objects.filter(pk=item.pk).update(status=status, publish_at=publish_at)


# -- The surfaces -------------------------------------------------------------------------------------------------

SURFACES = {
    "home": "/",
    "years list": "/peel/",
    "year table": f"/peel/{YEAR}/",
    "year table by question": f"/peel/{YEAR}/?level=question",
    "year table CSV": f"/peel/{YEAR}/?format=csv",
    "year table JSON by question": f"/peel/{YEAR}/?format=json&level=question",
    "force list": "/forces/",
    "force search": f"/forces/?q={FORCE}",
    "force list for the year": f"/forces/?year={YEAR}",
    "force page": f"/forces/{FORCE}/",
    "force CSV": f"/forces/{FORCE}/?format=csv",
    "force JSON": f"/forces/{FORCE}/?format=json",
    "compare": f"/compare/?force={FORCE}&force={OTHER_FORCE}",
    "compare CSV": f"/compare/?force={FORCE}&force={OTHER_FORCE}&format=csv",
    "compare JSON": f"/compare/?force={FORCE}&force={OTHER_FORCE}&format=json",
    "data page": "/data/",
    "all grades CSV": "/data/peel-grades.csv",
    "all grades JSON": "/data/peel-grades.json",
    "assessment page": ASSESSMENT_PAGE,
    "pillar page": PILLAR_PAGE,
    "feed": "/feeds/assessments.atom",
    "sitemap": "/sitemap.xml",
    "API years": "/api/v1/years/",
    "API year": f"/api/v1/years/{YEAR}/",
    "API year table": f"/api/v1/years/{YEAR}/table/",
    "API year table by question": f"/api/v1/years/{YEAR}/table/?level=question",
    "API assessments": "/api/v1/assessments/",
    "API assessments of the force": f"/api/v1/assessments/?force={FORCE}",
    "API assessments of the year": f"/api/v1/assessments/?year={YEAR}",
    "API assessment": f"/api/v1/assessments/{FORCE}/{YEAR}/",
    "API judgments": "/api/v1/judgments/",
    "API question judgments": "/api/v1/judgments/?level=question",
    "API judgments of the year": f"/api/v1/judgments/?year={YEAR}",
    "API judgments of the pillar": f"/api/v1/judgments/?pillar={PILLAR}",
    "consultation list": "/consultations/",
    "consultation": f"/consultations/{CONSULTATION}/",
    "consultation response form": f"/consultations/{CONSULTATION}/respond/",
    "consultation confirmation": f"/consultations/{CONSULTATION}/respond/sent/",  # sends a stray reader back
    "banner on the home page": "/",
    "banner on the force list": "/forces/",
    "banner on the privacy page": "/privacy/",
    "banner on the year table": f"/peel/{YEAR}/",
    "banner on the consultation list": "/consultations/",
}


@dataclass(frozen=True)
class Shows:
    """A surface that shows the item: the markers it then carries (all of them), and its status while the item
    is hidden: 200 for a page that lists it, 404 for the item's own page (or one under it), 400 for a filter
    that names it."""

    surface: str
    markers: tuple
    hidden_status: int = 200

    def __str__(self):
        return self.surface


def own_page(surface, *markers):
    return Shows(surface, markers, hidden_status=404)


# A hidden year takes everything in it along: its slug is in every address and row of everything in it.
YEAR_SURFACES = [
    *(
        Shows(surface, (YEAR,))
        for surface in [
            "home",
            "years list",
            "force list",
            "force search",
            "force page",
            "force CSV",
            "force JSON",
            "compare",
            "compare CSV",
            "compare JSON",
            "data page",
            "all grades CSV",
            "all grades JSON",
            "feed",
            "sitemap",
            "API years",
            "API assessments",
            "API assessments of the force",
            "API judgments",
            "API question judgments",
        ]
    ),
    *(
        own_page(surface, YEAR)
        for surface in [
            "year table",
            "year table by question",
            "year table CSV",
            "year table JSON by question",
            "assessment page",
            "pillar page",
            "API year",
            "API year table",
            "API year table by question",
            "API assessment",
        ]
    ),
    Shows("API assessments of the year", (YEAR,), hidden_status=400),
    Shows("API judgments of the year", (YEAR,), hidden_status=400),
    Shows("API judgments of the pillar", (YEAR,), hidden_status=400),  # a hidden year's pillars are unknown
]

GRADE_TAG = "peel-grade--outstanding"  # the class of an outstanding grade's tag: only the target has one
ASSESSMENT_SURFACES = [
    Shows("home", ("Outstanding 1",)),
    Shows("years list", ("Forces with grades here 2 of 2",)),
    Shows("year table", (ASSESSMENT_PAGE, GRADE_TAG)),
    Shows("year table by question", (ASSESSMENT_PAGE, GRADE_TAG)),
    Shows("year table CSV", (ASSESSMENT_PAGE,)),
    Shows("year table JSON by question", (ASSESSMENT_PAGE,)),
    Shows("force list", (ASSESSMENT_PAGE, GRADE_TAG)),
    Shows("force search", (ASSESSMENT_PAGE, GRADE_TAG)),
    Shows("force list for the year", (ASSESSMENT_PAGE, GRADE_TAG)),
    Shows("force page", (ASSESSMENT_PAGE, GRADE_TAG)),
    Shows("force CSV", (ASSESSMENT_PAGE,)),
    Shows("force JSON", (ASSESSMENT_PAGE,)),
    Shows("compare", (ASSESSMENT_PAGE, GRADE_TAG, "Outstanding 1")),
    Shows("compare CSV", (ASSESSMENT_PAGE,)),
    Shows("compare JSON", (ASSESSMENT_PAGE,)),
    Shows("all grades CSV", (ASSESSMENT_PAGE,)),
    Shows("all grades JSON", (ASSESSMENT_PAGE,)),
    own_page("assessment page", OBSERVATIONS),
    own_page("pillar page", FINDINGS),
    Shows("feed", (ASSESSMENT_PAGE,)),
    Shows("sitemap", (ASSESSMENT_PAGE,)),
    Shows("API years", ('"graded_force_count":2',)),
    Shows("API year", ('"graded_force_count":2',)),
    Shows("API year table", (ASSESSMENT_PAGE,)),
    Shows("API year table by question", (ASSESSMENT_PAGE,)),
    Shows("API assessments", (ASSESSMENT_PAGE,)),
    Shows("API assessments of the force", (ASSESSMENT_PAGE,)),
    Shows("API assessments of the year", (ASSESSMENT_PAGE,)),
    own_page("API assessment", OBSERVATIONS),
    Shows("API judgments", (ASSESSMENT_PAGE,)),
    Shows("API question judgments", (ASSESSMENT_PAGE,)),
    Shows("API judgments of the year", (ASSESSMENT_PAGE,)),
    Shows("API judgments of the pillar", (ASSESSMENT_PAGE,)),
]

# A hidden pillar judgment on a published assessment: the assessment shows, the grade and findings do not.
JUDGMENT_SURFACES = [
    Shows("home", ("Outstanding 1",)),
    Shows("years list", ("Forces with grades here 2 of 2",)),
    Shows("year table", (GRADE_TAG, ASSESSMENT_PAGE)),  # a force with no grade has no row to link from
    Shows("year table by question", (GRADE_TAG,)),
    Shows("year table CSV", (GRADE_SOURCE,)),
    Shows("year table JSON by question", (GRADE_SOURCE,)),
    Shows("force list", (GRADE_TAG,)),
    Shows("force search", (GRADE_TAG,)),
    Shows("force list for the year", (GRADE_TAG,)),
    Shows("force page", (GRADE_TAG,)),
    Shows("force CSV", (GRADE_SOURCE,)),
    Shows("force JSON", (GRADE_SOURCE,)),
    Shows("compare", (GRADE_TAG, "Outstanding 1")),
    Shows("compare CSV", (GRADE_SOURCE,)),
    Shows("compare JSON", (GRADE_SOURCE,)),
    Shows("all grades CSV", (GRADE_SOURCE, PILLAR_PAGE)),
    Shows("all grades JSON", (GRADE_SOURCE, PILLAR_PAGE)),
    Shows("assessment page", (GRADE_TAG, FINDINGS, PILLAR_PAGE)),
    own_page("pillar page", FINDINGS),
    Shows("feed", ("Quillwork: Outstanding",)),
    Shows("sitemap", (PILLAR_PAGE,)),
    Shows("API years", ('"graded_force_count":2',)),
    Shows("API year", ('"graded_force_count":2',)),
    Shows("API year table", (GRADE_SOURCE,)),
    Shows("API year table by question", (GRADE_SOURCE,)),
    Shows("API assessments", (GRADE_SOURCE, PILLAR_PAGE)),
    Shows("API assessments of the force", (GRADE_SOURCE, PILLAR_PAGE)),
    Shows("API assessments of the year", (GRADE_SOURCE, PILLAR_PAGE)),
    Shows("API assessment", (GRADE_SOURCE, FINDINGS)),
    Shows("API judgments", (GRADE_SOURCE,)),
    Shows("API question judgments", (GRADE_SOURCE,)),
    Shows("API judgments of the year", (GRADE_SOURCE,)),
    Shows("API judgments of the pillar", (GRADE_SOURCE,)),
]

REPORT_SURFACES = [Shows("assessment page", (REPORT,)), Shows("force page", (REPORT,))]
YEARLESS_REPORT_SURFACES = [Shows("force page", (YEARLESS_REPORT,))]

BANNER = f'data-consultation="{CONSULTATION}"'  # only the banner names a consultation so
CONSULTATION_SURFACES = [
    Shows("consultation list", (f"{CONSULTATION.title()} patrols",)),
    own_page("consultation", f"{CONSULTATION.title()} patrols"),
    own_page("consultation response form", f"{CONSULTATION.title()} patrols"),
    own_page("consultation confirmation", f"{CONSULTATION.title()} patrols"),
    Shows("sitemap", (f"/consultations/{CONSULTATION}/",)),
    Shows("banner on the home page", (BANNER,)),
    Shows("banner on the force list", (BANNER,)),
    Shows("banner on the privacy page", (BANNER,)),
    Shows("banner on the year table", (BANNER,)),
    Shows("banner on the consultation list", (BANNER,)),
]

KINDS = {
    "year": ("year", YEAR_SURFACES),
    "assessment": ("assessment", ASSESSMENT_SURFACES),
    "pillar judgment": ("judgment", JUDGMENT_SURFACES),
    "report": ("report", REPORT_SURFACES),
    "report of no year": ("yearless_report", YEARLESS_REPORT_SURFACES),
    "consultation": ("consultation", CONSULTATION_SURFACES),
}
CASES = [
    pytest.param(attribute, shows, id=f"{kind}-{shows}")
    for kind, (attribute, surfaces) in KINDS.items()
    for shows in surfaces
]


# -- Reading a surface --------------------------------------------------------------------------------------------


def readable(response):
    """What a surface says, lower-cased: its raw body (markup, addresses, JSON) and, for HTML, its text with the
    tags taken out and the spaces folded (so "Outstanding</span>1" reads "outstanding 1")."""
    body = response.content.decode()
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)))
    return f"{body}\n{text}".lower()


def found(response, markers):
    said = readable(response)
    return [marker for marker in markers if marker.lower() in said]


def fetch(client, surface):
    return client.get(SURFACES[surface], follow=True)


# -- The matrix ---------------------------------------------------------------------------------------------------


# Routes that show no authored item but the consultation banner (read on five other pages).
NOTHING_AUTHORED = {
    "robots-txt",
    "security-txt",
    "accessibility",
    "cookies",
    "contact",
    "inspections:about-grades",
    "api:root",
    "api:schema",
    "api:docs",
    "api:region-list",  # regions and their forces: no year, assessment or grade
    "api:region-detail",
    "api:force-list",
    "api:force-detail",
    "consultations:submit",  # a POST: test_a_hidden_consultation_takes_no_response
}


def route_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from route_names(pattern.url_patterns, inner)
        elif pattern.name:
            yield namespace + pattern.name


def test_every_surface_is_read():
    named = {shows.surface for _, surfaces in KINDS.values() for shows in surfaces}
    assert named == set(SURFACES)


def test_every_public_route_is_a_surface():
    """A new public page, download or endpoint has to join the matrix (or say here why it shows nothing authored)."""
    public = {name for name in route_names(get_resolver().url_patterns) if not name.startswith("admin")}
    read = {resolve(url.split("?")[0]).view_name for url in SURFACES.values()}
    assert public - NOTHING_AUTHORED - read == set()


@pytest.mark.parametrize("state", HIDDEN_STATES)
@pytest.mark.parametrize(("attribute", "shows"), CASES)
def test_a_hidden_item_is_on_no_surface(client, world, attribute, shows, state):
    put_in(getattr(world, attribute), state)
    response = fetch(client, shows.surface)
    assert response.status_code == shows.hidden_status, response.content[:500]
    assert found(response, shows.markers) == []


@pytest.mark.parametrize("state", DUE_STATES)
@pytest.mark.parametrize(("attribute", "shows"), CASES)
def test_a_due_item_is_on_every_surface(client, world, attribute, shows, state):
    put_in(getattr(world, attribute), state)
    response = fetch(client, shows.surface)
    assert response.status_code == 200, response.content[:500]
    assert found(response, shows.markers) == list(shows.markers)


# -- A hidden parent hides its public children --------------------------------------------------------------------

CHILDREN_OF_THE_YEAR = [
    pytest.param(shows, id=f"{kind}-{shows}")
    for kind, surfaces in [
        ("assessment", ASSESSMENT_SURFACES),
        ("pillar judgment", JUDGMENT_SURFACES),
        ("report", REPORT_SURFACES),
    ]
    for shows in surfaces
]


@pytest.mark.parametrize("state", HIDDEN_STATES)
@pytest.mark.parametrize("shows", CHILDREN_OF_THE_YEAR)
def test_a_hidden_year_hides_its_published_assessments_grades_and_reports(client, world, shows, state):
    put_in(world.year, state)
    response = fetch(client, shows.surface)
    # Whatever is under the year is gone: its pages are not found, a filter naming it is refused.
    assert response.status_code in {200, 400, 404}, response.content[:500]
    assert found(response, shows.markers) == []


@pytest.mark.parametrize("state", HIDDEN_STATES)
@pytest.mark.parametrize("shows", JUDGMENT_SURFACES, ids=str)
def test_a_hidden_assessment_hides_its_published_grades(client, world, shows, state):
    put_in(world.assessment, state)
    response = fetch(client, shows.surface)
    assert response.status_code in {200, 404}, response.content[:500]
    assert found(response, shows.markers) == []


@pytest.mark.parametrize("state", DUE_STATES)
@pytest.mark.parametrize("shows", CHILDREN_OF_THE_YEAR)
def test_a_due_year_shows_its_published_children(client, world, shows, state):
    put_in(world.year, state)
    response = fetch(client, shows.surface)
    assert response.status_code == 200, response.content[:500]
    assert found(response, shows.markers) == list(shows.markers)


# -- A hidden consultation takes no response ----------------------------------------------------------------------


@pytest.mark.parametrize("state", HIDDEN_STATES)
@pytest.mark.parametrize("step", ["respond/", "respond/send/"])
def test_a_hidden_consultation_takes_no_response(client, world, step, state):
    put_in(world.consultation, state)
    response = client.post(f"/consultations/{CONSULTATION}/{step}", {"answers": "anything"})
    assert response.status_code == 404
    assert world.consultation.responses.count() == 0


def test_the_world_is_what_the_markers_assume(client, world):
    """Only the target is graded outstanding, there are two forces and each marker is one item's alone."""
    assert PillarJudgment.objects.filter(grade="outstanding").get() == world.judgment
    assert Force.objects.count() == 2
    assert InspectionYear.objects.get() == world.year
    assert Assessment.objects.count() == 2
    assert Report.objects.count() == 2


# -- A preview must not publish anything for the rest of the process ---------------------------------------------

REPO = Path(__file__).resolve().parents[2]
FRESH_PROCESS = """
import django

django.setup()
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings, setup_test_environment

from peel.publishing import Status
from tests.factories import make_judgment

setup_test_environment()
plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # no collectstatic manifest
override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}).enable()
call_command("migrate", verbosity=0, skip_checks=True)  # as a server starts: migrated beforehand, no checks run
make_judgment(status=Status.DRAFT, source_url="https://draft-judgment.example/")
staff = get_user_model().objects.create_superuser("editor", "editor@example.org", "a long pass phrase")
editor = Client()
editor.force_login(staff)
print("preview", editor.get("/?preview=1").status_code)  # the first page this process serves: a preview
public = Client().get("/api/v1/judgments/")
print("public", public.status_code, public.content.decode())
"""


def test_a_preview_served_first_by_a_fresh_process_publishes_no_draft(tmp_path):
    """A new process (a restarted server, a recycled worker) whose first page is a staff preview: the public's
    API must still leave the draft out. Whatever a preview renders must not fix what the public sees later."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}", "DJANGO_LOCAL": "true"}
    env["DJANGO_SETTINGS_MODULE"] = "peel.settings"
    ran = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", FRESH_PROCESS], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert ran.returncode == 0, ran.stderr[-3000:]
    assert "preview 200" in ran.stdout
    assert "public 200" in ran.stdout
    assert "draft-judgment.example" not in ran.stdout
