"""Site facts kept per content token (peel/caching/kept.py): the years, pillars, regions, forces, their context
and reports, the open consultations, the noted items and the counts of grades that nearly every page reads.

Here the page cache is off, so every request renders its page: what changes between two requests is only what
the process kept. Once kept, a page asks the database for its own rows alone, the same number at any size; and
every kind of change a visitor could see reaches the next request, as the page cache's own tests show for whole
pages.
"""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forces.models import ContextPoint, Force
from inspections.models import InspectionYear, Pillar
from peel.caching import kept as kept_module
from peel.publishing import Status
from peel.publishing.changes import record_change
from tests.consultations.factories import make_consultation
from tests.factories import make_assessment, make_force, make_judgment, make_pillar, make_world, make_year

pytestmark = pytest.mark.django_db
HOUR = timedelta(hours=1)


@pytest.fixture(autouse=True)
def _pages_rendered_every_time(settings):
    settings.PEEL_PAGE_CACHE = False
    settings.PEEL_KEEP_SITE_FACTS = True


@pytest.fixture
def kent():
    year = make_year(slug="2031", title="PEEL 2031", label="2031", first_year=2031)
    force = make_force(name="Kent Police", short_name="Kent", slug="kent")
    pillar = make_pillar(year=year, name="Effectiveness", slug="effectiveness")
    return make_judgment(assessment=make_assessment(force=force, year=year), pillar=pillar, grade="good")


def visit(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode(), len(queries)


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


SIX = "&".join(f"force=world-{i}" for i in range(6))
# Queries once the facts are kept: a page's own rows only (the counts with nothing kept are in each page's tests).
KEPT_QUERIES = {
    "/": 0,
    "/forces/": 0,
    "/forces/world-0/": 2,  # its assessments and their judgments
    "/peel/": 0,
    "/peel/w1801/?group=region&sort=efficiency": 0,
    "/peel/w1801/?level=question": 0,
    "/forces/world-0/w1801/": 0,
    "/forces/world-0/w1801/efficiency/": 4,  # the judgment, the year before's, its questions and their grades
    f"/compare/?{SIX}": 0,
}


@pytest.mark.parametrize("scale", [1, 10])
@pytest.mark.parametrize("path", KEPT_QUERIES)
def test_once_kept_a_page_asks_only_for_its_own_rows_at_any_size(client, path, scale):
    make_world(forces=6 * scale, years=2 * scale)
    first, cold = visit(client, path)
    again, warm = visit(client, path)
    assert again == first
    assert warm == KEPT_QUERIES[path] < cold


def test_switched_off_every_request_reads_everything_again(client, kent, settings):
    settings.PEEL_KEEP_SITE_FACTS = False
    _, first = visit(client, "/forces/kent/2031/")
    _, again = visit(client, "/forces/kent/2031/")
    assert again == first


def test_a_pillar_renamed_shows_on_the_next_request(client, kent):
    visit(client, "/forces/kent/2031/")
    Pillar.objects.filter(pk=kent.pillar_id).update(name="Effectiveness and crime")
    page, _ = visit(client, "/forces/kent/2031/")
    assert "Effectiveness and crime" in page


def test_a_force_renamed_shows_in_every_list_on_the_next_request(client, kent):
    visit(client, "/peel/2031/")
    visit(client, "/compare/")
    force = Force.objects.get(slug="kent")
    force.short_name = "Kent and Medway"
    force.save()
    assert "Kent and Medway" in visit(client, "/peel/2031/")[0]
    assert "Kent and Medway" in visit(client, "/compare/")[0]


def test_a_report_published_shows_on_the_next_request(client, kent, publisher):
    from inspections.models import Report

    visit(client, "/forces/kent/2031/")
    report = Report.objects.create(
        force=kent.assessment.force, year=kent.assessment.year, title="Crime data integrity", status=Status.DRAFT
    )
    assert "Crime data integrity" not in visit(client, "/forces/kent/2031/")[0]
    Report.objects.filter(pk=report.pk).update(status=Status.PUBLISHED)
    assert "Crime data integrity" in visit(client, "/forces/kent/2031/")[0]
    assert "Crime data integrity" in visit(client, "/forces/kent/")[0]


def test_a_grade_changed_or_withdrawn_shows_in_every_table_on_the_next_request(client, kent):
    from inspections.models import Assessment, PillarJudgment

    make_force(name="Essex Police", short_name="Essex", slug="essex")
    tag = '<strong class="govuk-tag peel-grade peel-grade--{}">'
    tables = ["/peel/2031/", "/forces/?year=2031", "/compare/?force=kent&force=essex"]
    for page in tables:
        assert tag.format("good") in visit(client, page)[0], page
    assert ",good," in visit(client, "/peel/2031/?format=csv")[0]
    PillarJudgment.objects.filter(pk=kent.pk).update(grade="inadequate")  # no signal: the SQL is noticed
    for page in tables:
        shown = visit(client, page)[0]
        assert tag.format("inadequate") in shown and tag.format("good") not in shown, page
    assert ",inadequate," in visit(client, "/peel/2031/?format=csv")[0]
    PillarJudgment.objects.filter(pk=kent.pk).update(status=Status.DRAFT)
    assert "No grade recorded here for 2 forces" in visit(client, "/peel/2031/")[0]
    assert ",inadequate," not in visit(client, "/peel/2031/?format=csv")[0]
    assert tag.format("inadequate") not in visit(client, "/forces/?year=2031")[0]
    assert "This site holds no PEEL 2031 assessment" not in visit(client, "/compare/?force=kent&force=essex")[0]
    Assessment.objects.filter(pk=kent.assessment_id).update(status=Status.DRAFT)
    assert "This site holds no PEEL 2031 assessment" in visit(client, "/compare/?force=kent&force=essex")[0]


def test_an_assessment_page_follows_its_grades_words_and_status_on_the_next_request(client, kent):
    from inspections.models import Assessment, PillarJudgment

    page = "/forces/kent/2031/"
    tag = '<strong class="govuk-tag peel-grade peel-grade--{}">'
    assert tag.format("good") in visit(client, page)[0]
    PillarJudgment.objects.filter(pk=kent.pk).update(grade="inadequate", summary="Calls wait too long.")
    shown = visit(client, page)[0]
    assert tag.format("inadequate") in shown and tag.format("good") not in shown
    assert "Calls wait too long." in shown
    Assessment.objects.filter(pk=kent.assessment_id).update(observations="Kent answers more calls than before.")
    assert "Kent answers more calls than before." in visit(client, page)[0]
    PillarJudgment.objects.filter(pk=kent.pk).update(status=Status.DRAFT)
    shown = visit(client, page)[0]
    assert "Calls wait too long." not in shown and "No grade recorded" in shown
    Assessment.objects.filter(pk=kent.assessment_id).update(status=Status.DRAFT)
    assert client.get(page).status_code == 404


def test_an_assessment_page_compares_with_the_grade_the_year_before_has_now(client, kent):
    earlier = make_year(slug="2030", title="PEEL 2030", label="2030", first_year=2030)
    before = make_judgment(
        assessment=make_assessment(force=kent.assessment.force, year=earlier),
        pillar=make_pillar(year=earlier, name="Effectiveness", slug="effectiveness"),
        grade="inadequate",
    )
    from inspections.models import PillarJudgment

    assert "peel-change--better" in visit(client, "/forces/kent/2031/")[0]
    PillarJudgment.objects.filter(pk=before.pk).update(grade="outstanding")
    shown = visit(client, "/forces/kent/2031/")[0]
    assert "peel-change--worse" in shown and "peel-change--better" not in shown


def test_a_context_point_added_shows_on_the_next_request(client, kent):
    visit(client, "/forces/kent/2031/")
    ContextPoint.objects.create(force=kent.assessment.force, text="Kent borders London.", position=1)
    assert "Kent borders London." in visit(client, "/forces/kent/2031/")[0]


def test_a_year_published_is_listed_and_compared_with_on_the_next_request(client, kent):
    visit(client, "/peel/")
    visit(client, "/forces/kent/2031/")
    earlier = make_year(slug="2030", title="PEEL 2030", label="2030", first_year=2030, status=Status.DRAFT)
    make_judgment(
        assessment=make_assessment(force=kent.assessment.force, year=earlier),
        pillar=make_pillar(year=earlier, name="Effectiveness", slug="effectiveness"),
        grade="inadequate",
    )
    assert "PEEL 2030" not in visit(client, "/peel/")[0]
    InspectionYear.objects.filter(pk=earlier.pk).update(status=Status.PUBLISHED)
    assert "PEEL 2030" in visit(client, "/peel/")[0]
    assert "Arrows compare each grade with PEEL 2030." in visit(client, "/forces/kent/2031/")[0]


def test_a_year_scheduled_appears_once_its_time_passes_with_nothing_saved(client, kent):
    due = timezone.now() + HOUR
    make_year(slug="2032", title="PEEL 2032", label="2032", first_year=2032, status=Status.SCHEDULED, publish_at=due)
    assert "PEEL 2032" not in visit(client, "/peel/")[0]
    with at(due - timedelta(seconds=1)):
        assert "PEEL 2032" not in visit(client, "/peel/")[0]
    with at(due + timedelta(seconds=1)):
        assert "PEEL 2032" in visit(client, "/peel/")[0]


def test_the_banner_follows_a_consultation_opening_and_closing(client, kent):
    now = timezone.now()
    make_consultation(title="Victims first", opens_at=now + HOUR, closes_at=now + 3 * HOUR)
    assert "Victims first" not in visit(client, "/forces/")[0]
    with at(now + 2 * HOUR):
        assert "Victims first" in visit(client, "/forces/")[0]
    with at(now + 4 * HOUR):
        assert "Victims first" not in visit(client, "/forces/")[0]


def test_a_change_note_shows_on_the_next_request_and_at_its_time(client, kent, publisher):
    assessment = kent.assessment
    visit(client, "/forces/kent/2031/")
    record_change(assessment, kind="major", note="Grade corrected", user=publisher, at=timezone.now())
    assert "Grade corrected" in visit(client, "/forces/kent/2031/")[0]
    due = timezone.now() + HOUR
    record_change(assessment, kind="major", note="Dates corrected", user=publisher, at=due)
    assert "Dates corrected" not in visit(client, "/forces/kent/2031/")[0]
    with at(due + timedelta(seconds=1)):
        assert "Dates corrected" in visit(client, "/forces/kent/2031/")[0]


def test_a_preview_neither_reads_nor_fills_what_is_kept(client, kent, publisher):
    make_year(slug="2032", title="PEEL 2032", label="2032", first_year=2032, status=Status.DRAFT)
    assert "PEEL 2032" not in visit(client, "/peel/")[0]
    client.force_login(publisher)
    assert "PEEL 2032" in client.get("/peel/?preview=1").content.decode()
    client.logout()
    assert "PEEL 2032" not in visit(client, "/peel/")[0]


def test_what_is_kept_is_built_once_per_token():
    built = []

    def build(n):
        built.append(n)
        return [n]

    first = kept_module.kept("test", build, 1)
    assert kept_module.kept("test", build, 1) is first
    kept_module.kept("test", build, 2)
    assert built == [1, 2]
    from peel.caching import generation

    generation.invalidate()
    assert kept_module.kept("test", build, 1) == [1]
    assert built == [1, 2, 1]


def test_nothing_is_kept_while_a_read_replica_may_still_lag(settings):
    from peel.caching import generation

    built = []

    def build():
        built.append(1)
        return len(built)

    with mock.patch.dict(settings.DATABASES, {"replica": settings.DATABASES["default"]}):
        kept_module.kept("lag", build)
        kept_module.kept("lag", build)
        assert len(built) == 2  # just after a change: read afresh every time
        later = generation.state()["since"] + settings.DATABASE_REPLICA_LAG_SECONDS + 1
        with mock.patch("peel.caching.kept.time") as clock:
            clock.time.return_value = later
            kept_module.kept("lag", build)
            kept_module.kept("lag", build)
        assert len(built) == 3  # then kept
