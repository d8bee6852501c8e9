"""The public page cache: what it keeps, whom it serves, and that every kind of change drops it in time.

A page served from the cache makes no query at all, which is how these tests tell a kept page from a fresh one.
Each kind of change is made the way staff make it (the workflow, a release, a save, a queryset update) or is
the clock passing a scheduled moment; the next anonymous request must show the change.
"""

import gzip
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forces.models import Force
from inspections.models import Assessment, PillarJudgment
from peel.caching import generation, watch
from peel.publishing import Status, releases, workflow
from peel.publishing.changes import record_change
from peel.publishing.models import Release
from tests.consultations.factories import make_consultation
from tests.consultations.helpers import good_answers, send
from tests.consultations.test_journey import make_open_consultation_with_every_kind
from tests.factories import make_assessment, make_force, make_judgment, make_pillar, make_world, make_year

pytestmark = pytest.mark.django_db
HOUR = timedelta(hours=1)
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def kent():
    """A published year with Kent's assessment and one published pillar grade."""
    year = make_year(slug="2031", title="PEEL 2031", label="2031", first_year=2031)
    force = make_force(name="Kent Police", short_name="Kent", slug="kent")
    pillar = make_pillar(year=year, name="Effectiveness", slug="effectiveness")
    judgment = make_judgment(assessment=make_assessment(force=force, year=year), pillar=pillar, grade="good")
    return judgment


def visit(client, path, **headers):
    """The response, and how many queries answering it took (none when it came from the cache)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **headers)
    return response, len(queries)


def assessment_url(judgment):
    return reverse("inspections:assessment-detail", kwargs={"force": "kent", "year": judgment.assessment.year.slug})


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


# What is kept, and what a kept page carries.


def test_a_second_anonymous_visit_is_answered_from_the_cache_without_a_query(client, kent):
    first, first_queries = visit(client, "/forces/kent/")
    second, second_queries = visit(client, "/forces/kent/")
    assert first.status_code == second.status_code == 200
    assert first_queries > 0 and second_queries == 0
    assert second.content == first.content


@pytest.mark.parametrize("path", ["/", "/forces/", "/peel/2031/", "/data/peel-grades.csv", "/api/v1/judgments/"])
def test_pages_downloads_and_the_api_are_kept(client, kent, path):
    visit(client, path)
    response, queries = visit(client, path)
    assert response.status_code == 200 and queries == 0


def test_a_kept_page_has_no_cookie_session_or_token_and_does_not_vary_by_cookie(client, kent):
    for _ in range(2):
        response = client.get(assessment_url(kent))
        assert not response.cookies
        assert "Cookie" not in response.get("Vary", "")
        assert "csrfmiddlewaretoken" not in response.content.decode()
        assert response["Cache-Control"] == "public, max-age=60"
        assert response["ETag"].startswith('"') and response["Last-Modified"].endswith("GMT")


def test_browsers_and_cdns_revalidate_and_get_a_304(client, kent):
    page = client.get("/forces/kent/")
    by_etag = client.get("/forces/kent/", HTTP_IF_NONE_MATCH=page["ETag"])
    by_date = client.get("/forces/kent/", HTTP_IF_MODIFIED_SINCE=page["Last-Modified"])
    stale = client.get("/forces/kent/", HTTP_IF_NONE_MATCH='"something-older"')
    assert (by_etag.status_code, by_date.status_code, stale.status_code) == (304, 304, 200)
    assert by_etag.content == b"" and by_etag["ETag"] == page["ETag"]


@pytest.mark.parametrize("path", ["/forces/kent/", "/data/peel-grades.json", "/data/peel-grades.csv"])
def test_a_kept_page_goes_gzipped_to_a_visitor_who_accepts_it_and_as_it_is_to_one_who_does_not(client, kent, path):
    make_world(forces=6, years=2)  # downloads of some size
    for _ in range(2):  # as it is first stored, then from the cache
        plain = client.get(path)
        packed = client.get(path, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        assert "Content-Encoding" not in plain and packed["Content-Encoding"] == "gzip"
        assert gzip.decompress(packed.content) == plain.content
        assert int(packed["Content-Length"]) == len(packed.content) < len(plain.content)
        assert int(plain["Content-Length"]) == len(plain.content)
        assert "Accept-Encoding" in plain["Vary"] and "Accept-Encoding" in packed["Vary"]
        assert packed["ETag"] == f"W/{plain['ETag']}"
    again = client.get(path, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=packed["ETag"])
    assert again.status_code == 304


def test_a_small_body_is_never_gzipped(client, kent):
    for _ in range(2):
        response = client.get("/robots.txt", HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200 and len(response.content) < 1024
        assert "Content-Encoding" not in response and "Accept-Encoding" not in response.get("Vary", "")


def test_a_page_not_kept_is_never_gzipped(client, kent, publisher):
    client.force_login(publisher)
    response = client.get("/forces/kent/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and "Content-Encoding" not in response


def test_a_head_request_is_answered_from_the_kept_page(client, kent):
    visit(client, "/forces/kent/")
    with CaptureQueriesContext(connection) as queries:
        response = client.head("/forces/kent/")
    assert response.status_code == 200 and len(queries) == 0


def test_staff_signed_in_are_never_served_a_kept_page_nor_have_theirs_kept(client, kent, publisher):
    visit(client, "/forces/kent/")  # kept for the public
    client.force_login(publisher)
    response, queries = visit(client, "/forces/kent/")
    assert queries > 0 and "public" not in response.get("Cache-Control", "")
    client.logout()


def test_a_preview_is_never_kept_and_never_served_from_the_cache(client, kent, publisher):
    draft = make_assessment(force=kent.assessment.force, year=make_year(slug="2032", title="PEEL 2032"))
    Assessment.objects.filter(pk=draft.pk).update(status=Status.DRAFT)
    url = reverse("inspections:assessment-detail", kwargs={"force": "kent", "year": "2032"})
    assert client.get(url).status_code == 404
    client.force_login(publisher)
    preview = client.get(url + "?preview=1")
    assert preview.status_code == 200 and preview["Cache-Control"] == "private, no-store"
    client.logout()
    assert client.get(url + "?preview=1").status_code == 404
    assert client.get(url).status_code == 404


def test_forms_are_never_kept(client):
    consultation = make_open_consultation_with_every_kind()
    for _ in range(2):
        response, queries = visit(client, consultation.get_respond_url())
        assert response.status_code == 200 and queries > 0
        assert "public" not in response["Cache-Control"] and "csrftoken" in response.cookies


def test_a_page_not_found_is_not_kept(client, kent, settings):
    settings.PEEL_KEEP_SITE_FACTS = False  # so that a page rendered afresh always makes a query
    for _ in range(2):
        response, queries = visit(client, "/forces/nowhere/")
        assert response.status_code == 404 and queries > 0


def test_a_consultation_response_leaves_the_kept_pages_alone(client):
    consultation = make_open_consultation_with_every_kind()
    visit(client, "/consultations/")
    assert send(client, consultation, good_answers(consultation)).status_code == 302
    client.cookies.clear()
    response, queries = visit(client, "/consultations/")
    assert response.status_code == 200 and queries == 0


# Every kind of change shows on the next request.


def in_review(obj, editor):
    workflow.send_for_review(obj, editor)
    return type(obj).objects.get(pk=obj.pk)


def draft_assessment_for_2032(kent, editor):
    year = make_year(slug="2032", title="PEEL 2032", label="2032", first_year=2032)
    return make_assessment(force=kent.assessment.force, year=year, status=Status.DRAFT, changed_by=editor)


def test_publishing_an_assessment_shows_it_on_the_next_request(client, kent, editor, publisher):
    draft = in_review(draft_assessment_for_2032(kent, editor), editor)
    url = reverse("inspections:assessment-detail", kwargs={"force": "kent", "year": "2032"})
    assert "PEEL 2032" not in client.get("/forces/kent/").content.decode()
    assert client.get(url).status_code == 404
    workflow.approve(draft, publisher)
    assert "PEEL 2032" in client.get("/forces/kent/").content.decode()
    assert client.get(url).status_code == 200


def test_withdrawing_takes_a_grade_off_the_next_request(client, kent, publisher):
    assert "Good" in client.get(assessment_url(kent)).content.decode()
    workflow.withdraw(PillarJudgment.objects.get(pk=kent.pk), publisher, "Graded against the wrong question.")
    assert "Good" not in client.get(assessment_url(kent)).content.decode()


def test_an_edit_saved_shows_on_the_next_request(client, kent):
    assert "Kent Police" in client.get("/forces/").content.decode()
    force = Force.objects.get(slug="kent")
    force.name = "Kent and Medway Police"
    force.save()
    assert "Kent and Medway Police" in client.get("/forces/").content.decode()


def test_a_change_made_with_a_queryset_update_shows_on_the_next_request(client, kent):
    assert "Inadequate" not in client.get(assessment_url(kent)).content.decode()
    PillarJudgment.objects.filter(pk=kent.pk).update(grade="inadequate")
    assert "Inadequate" in client.get(assessment_url(kent)).content.decode()


def test_a_deletion_shows_on_the_next_request(client, kent):
    assert client.get(assessment_url(kent)).status_code == 200
    Assessment.objects.filter(pk=kent.assessment_id).delete()
    assert client.get(assessment_url(kent)).status_code == 404


def test_a_save_rolled_back_keeps_the_kept_page(client, kent):
    visit(client, "/forces/")
    with pytest.raises(RuntimeError), transaction.atomic():
        Force.objects.filter(slug="kent").update(name="Never saved")
        raise RuntimeError
    response = client.get("/forces/")
    assert "Never saved" not in response.content.decode()


def test_a_scheduled_assessment_appears_once_its_time_passes_with_nothing_saved(client, kent, editor, publisher):
    draft = in_review(draft_assessment_for_2032(kent, editor), editor)
    due = timezone.now() + HOUR
    workflow.approve(draft, publisher, at=due)
    assert "PEEL 2032" not in client.get("/forces/kent/").content.decode()
    with at(due - timedelta(seconds=1)):
        response, queries = visit(client, "/forces/kent/")
        assert "PEEL 2032" not in response.content.decode() and queries == 0
    with at(due + timedelta(seconds=1)):
        assert "PEEL 2032" in client.get("/forces/kent/").content.decode()


def test_a_release_goes_out_on_the_next_request_after_its_time(client, kent, editor, publisher):
    late = make_judgment(
        assessment=kent.assessment,
        pillar=make_pillar(year=kent.assessment.year, name="Efficiency", slug="efficiency", kind="efficiency"),
        grade="outstanding",
        status=Status.DRAFT,
        changed_by=editor,
    )
    release = Release.objects.create(title="Efficiency grades", created_by=publisher)
    releases.add(release, [late], publisher)
    due = timezone.now() + HOUR
    releases.schedule(release, due, publisher)
    assert "Outstanding" not in client.get(assessment_url(kent)).content.decode()
    workflow.approve(in_review(late, editor), publisher)
    assert "Outstanding" not in client.get(assessment_url(kent)).content.decode()  # approved, not yet due
    with at(due + timedelta(seconds=1)):
        assert "Outstanding" in client.get(assessment_url(kent)).content.decode()


def test_a_change_note_dated_ahead_appears_at_its_time(client, kent, publisher):
    assessment = Assessment.objects.get(pk=kent.assessment_id)
    due = timezone.now() + HOUR
    record_change(assessment, kind="major", note="Efficiency grade corrected", user=publisher, at=due)
    assert "Efficiency grade corrected" not in client.get(assessment_url(kent)).content.decode()
    with at(due + timedelta(seconds=1)):
        assert "Efficiency grade corrected" in client.get(assessment_url(kent)).content.decode()


def test_a_consultation_opening_and_closing_show_at_their_times(client):
    now = timezone.now()
    make_consultation(title="Victims first", opens_at=now + HOUR, closes_at=now + 3 * HOUR)
    assert "Victims first" not in client.get("/forces/").content.decode()  # no banner before it opens
    with at(now + 2 * HOUR):
        assert "Victims first" in client.get("/forces/").content.decode()
    with at(now + 4 * HOUR):
        assert "Victims first" not in client.get("/forces/").content.decode()


# How the pieces behave on their own.


@pytest.mark.parametrize(
    ("sql", "public"),
    [
        ('UPDATE "inspections_pillarjudgment" SET "grade" = %s', True),
        ('INSERT INTO "forces_force" ("name") VALUES (%s)', True),
        ('DELETE FROM "consultations_consultation" WHERE id = %s', True),
        ('  insert into "peel_changenote" ("note") values (%s)', True),
        ('INSERT INTO "consultations_response" ("name") VALUES (%s)', False),
        ('INSERT INTO "peel_auditentry" ("action") VALUES (%s)', False),
        ('UPDATE "django_session" SET "session_data" = %s', False),
        ('SELECT * FROM "inspections_pillarjudgment"', False),
    ],
)
def test_only_writes_to_tables_a_public_page_reads_drop_the_cache(sql, public):
    assert watch.writes_public_table(sql) is public


def test_the_next_change_is_the_earliest_scheduled_moment_of_any_kind(kent, publisher):
    now = timezone.now()
    assert generation.next_change_after(now) is None
    make_consultation(opens_at=now + 5 * HOUR, closes_at=now + 9 * HOUR)
    assert generation.next_change_after(now) == now + 5 * HOUR
    PillarJudgment.objects.filter(pk=kent.pk).update(status=Status.SCHEDULED, publish_at=now + 2 * HOUR)
    assert generation.next_change_after(now) == now + 2 * HOUR


def test_an_unreachable_cache_serves_pages_fresh_and_lets_writes_through(client, kent, settings):
    # Site facts are kept under the same token: with the cache unreachable, they are read afresh too.
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"},
    }
    response, queries = visit(client, "/forces/kent/")
    assert response.status_code == 200 and queries > 0
    Force.objects.filter(slug="kent").update(name="Kent and Medway Police")
    assert "Kent and Medway Police" in client.get("/forces/").content.decode()


def test_switched_off_every_page_is_rendered_afresh(client, kent, settings):
    settings.PEEL_PAGE_CACHE = False
    visit(client, "/forces/kent/")
    response, queries = visit(client, "/forces/kent/")
    assert queries > 0 and "public" not in response.get("Cache-Control", "")


def test_pages_are_filed_by_the_code_that_rendered_them():
    """A new deployment never serves the pages an older one kept in a shared cache."""

    def version(**env):
        environment = {key: value for key, value in os.environ.items() if key != "PEEL_RELEASE"} | env
        code = "from django.conf import settings; print(settings.PEEL_CODE_VERSION)"
        script = f"import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'peel.settings'; {code}"
        run = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=environment, capture_output=True, text=True)
        return run.stdout.strip()

    assert version(PEEL_RELEASE="2026-11-24.1") == "2026-11-24.1"
    assert len(version()) == 16
    assert generation.state_key().endswith(generation.settings.PEEL_CODE_VERSION)


def test_the_redis_cache_keeps_its_client_instead_of_building_one_per_call():
    from peel.caching.redis import RedisCache

    cache = RedisCache("redis://127.0.0.1:6379/0", {"KEY_PREFIX": "peel-test"})
    assert cache._cache.get_client() is cache._cache.get_client(write=True)


def test_a_deployment_without_a_shared_cache_is_warned(settings):
    from peel.caching.checks import shared_cache

    settings.REDIS_URL = ""
    assert [warning.id for warning in shared_cache(None)] == ["peel.W001"]
    settings.REDIS_URL = "redis://cache.internal:6379/0"
    assert shared_cache(None) == []
