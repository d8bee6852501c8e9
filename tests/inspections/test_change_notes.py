"""Public change notes: a major change is dated and described on its page, moves the page's "last updated"
date and has its own entry in the Atom feed; a minor one is silent. Nothing shows before its time, nor for an
item the public cannot see."""

import datetime
import xml.etree.ElementTree as ET
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from peel.publishing import Status
from peel.publishing.changes import last_updated, public_notes, record_change
from peel.publishing.models import ChangeNote
from tests.factories import make_assessment, make_force, make_judgment, make_pillar, make_world, make_year
from tests.inspections.test_views import text_of

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
FEED = "/feeds/assessments.atom"
HISTORY = "Changes to this page"


def at(day, month, year, hour=12):
    return datetime.datetime(year, month, day, hour, tzinfo=datetime.UTC)


def clock(moment):
    """Run the site as if it were ``moment``."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


@pytest.fixture
def publisher():
    return get_user_model().objects.create_user("pat", password="unused-in-these-tests")  # noqa: S106


@pytest.fixture
def kent():
    """Kent's published PEEL 2018/19 assessment, graded on effectiveness (its own date 1 April 2019) and
    efficiency."""
    force = make_force(name="Kent Police", short_name="Kent", slug="kent")
    year = make_year(slug="2018-19", title="PEEL 2018/19", label="2018/19", first_year=2018)
    assessment = make_assessment(force=force, year=year)
    for position, slug in enumerate(["effectiveness", "efficiency"]):
        make_judgment(
            assessment=assessment,
            pillar=make_pillar(year=year, slug=slug, name=slug.capitalize(), kind=slug, position=position),
            last_updated=datetime.date(2019, 4, 1) if slug == "effectiveness" else None,
        )
    return assessment


def judgment_of(assessment, slug):
    return assessment.pillar_judgments.get(pillar__slug=slug)


def feed_entries(client):
    response = client.get(FEED)
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 (the site's own response, not outside input)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    ids = [entry.findtext(f"{ATOM}id") for entry in entries]
    assert len(ids) == len(set(ids)), "every entry has its own id"
    for entry in entries:  # what Atom requires of every entry
        assert entry.findtext(f"{ATOM}title")
        assert entry.findtext(f"{ATOM}id")
        datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
    return entries


def titles(entries):
    return [entry.findtext(f"{ATOM}title") for entry in entries]


# Recording a change


def test_record_change_keeps_what_changed_when_and_who_did_it(kent, publisher):
    judgment = judgment_of(kent, "effectiveness")
    note = record_change(
        judgment, kind="major", note="  Effectiveness grade corrected \n", user=publisher, at=at(5, 5, 2019)
    )
    note.refresh_from_db()
    assert (note.kind, note.note, note.made_at, note.user) == (
        "major",
        "Effectiveness grade corrected",
        at(5, 5, 2019),
        publisher,
    )
    assert note.item == judgment
    assert note.object_repr == str(judgment)


@pytest.mark.parametrize("text", ["", "   \n", None])
def test_record_change_refuses_a_major_change_without_a_note(kent, publisher, text):
    with pytest.raises(ValueError, match="major change needs a note"):
        record_change(kent, kind=ChangeNote.Kind.MAJOR, note=text, user=publisher, at=at(5, 5, 2019))
    assert not ChangeNote.objects.exists()


def test_record_change_refuses_a_note_too_long_or_an_unknown_kind(kent, publisher):
    with pytest.raises(ValueError, match="300 characters"):
        record_change(kent, kind="major", note="x" * 301, user=publisher, at=at(5, 5, 2019))
    with pytest.raises(ValueError, match="major or minor"):
        record_change(kent, kind="huge", note="Grade corrected", user=publisher, at=at(5, 5, 2019))
    assert not ChangeNote.objects.exists()
    record_change(kent, kind="major", note="x" * 300, user=publisher, at=at(5, 5, 2019))


def test_a_minor_change_needs_no_note(kent, publisher):
    note = record_change(kent, kind="minor", note="", user=publisher, at=at(5, 5, 2019))
    assert note.kind == ChangeNote.Kind.MINOR


# The pages


def test_a_major_change_to_a_pillar_shows_on_its_pages_and_moves_their_dates(client, kent, publisher):
    before_assessment = text_of(client.get(kent.get_absolute_url()))
    assert HISTORY not in before_assessment
    effectiveness = judgment_of(kent, "effectiveness")
    assert "Last updated 1 April 2019" in text_of(client.get(effectiveness.get_absolute_url()))

    record_change(effectiveness, kind="major", note="Effectiveness grade corrected", user=publisher, at=at(5, 5, 2019))

    page = text_of(client.get(kent.get_absolute_url()))
    assert "Last updated 5 May 2019" in page.split("Grades")[0]  # the page's date, under its heading
    assert f"{HISTORY} 5 May 2019 Effectiveness grade corrected" in page
    assert page.count("Effectiveness grade corrected") == 1
    # The pillar's own date moves too (it was 1 April); the other pillar has none.
    assert "Effectiveness Effectiveness Last updated 5 May 2019 Good" in page
    assert "1 April 2019" not in page

    pillar_page = text_of(client.get(effectiveness.get_absolute_url()))
    assert "Last updated 5 May 2019" in pillar_page
    assert "1 April 2019" not in pillar_page
    assert f"{HISTORY} 5 May 2019 Effectiveness grade corrected" in pillar_page

    efficiency_page = text_of(client.get(judgment_of(kent, "efficiency").get_absolute_url()))
    assert HISTORY not in efficiency_page
    assert "Last updated" not in efficiency_page


def test_the_page_history_lists_the_assessments_and_its_pillars_changes_newest_first(client, kent, publisher):
    effectiveness = judgment_of(kent, "effectiveness")
    record_change(kent, kind="major", note="Observations shortened", user=publisher, at=at(3, 6, 2019))
    record_change(effectiveness, kind="major", note="Effectiveness grade corrected", user=publisher, at=at(5, 5, 2019))
    html = client.get(kent.get_absolute_url()).content.decode()
    page = text_of(client.get(kent.get_absolute_url()))
    assert f"{HISTORY} 3 June 2019 Observations shortened 5 May 2019 Effectiveness grade corrected" in page
    assert "Last updated 3 June 2019" in page
    assert 'id="changes"' in html
    assert '<time datetime="2019-06-03">3 June 2019</time>' in html
    # A change to the assessment is not a change to a pillar's page.
    pillar_page = text_of(client.get(effectiveness.get_absolute_url()))
    assert "Observations shortened" not in pillar_page
    assert "Last updated 5 May 2019" in pillar_page


def test_a_pillars_own_date_stays_when_it_is_newer_than_its_last_major_change(client, kent, publisher):
    effectiveness = judgment_of(kent, "effectiveness")
    record_change(effectiveness, kind="major", note="Effectiveness grade corrected", user=publisher, at=at(5, 3, 2019))
    pillar_page = text_of(client.get(effectiveness.get_absolute_url()))
    assert "Last updated 1 April 2019" in pillar_page
    assert f"{HISTORY} 5 March 2019 Effectiveness grade corrected" in pillar_page


def test_a_minor_change_shows_nowhere(client, kent, publisher):
    effectiveness = judgment_of(kent, "effectiveness")
    before = [text_of(client.get(url)) for url in (kent.get_absolute_url(), effectiveness.get_absolute_url())]
    feed_before = titles(feed_entries(client))
    record_change(effectiveness, kind="minor", note="Typo in the summary fixed", user=publisher, at=at(5, 5, 2019))
    record_change(kent, kind="minor", note="Link mended", user=publisher, at=at(6, 5, 2019))
    after = [text_of(client.get(url)) for url in (kent.get_absolute_url(), effectiveness.get_absolute_url())]
    assert after == before
    assert titles(feed_entries(client)) == feed_before
    feed = client.get(FEED).content.decode()
    assert "Typo" not in feed
    assert "Link mended" not in feed


def test_a_scheduled_correction_shows_nowhere_until_its_time(client, kent, publisher):
    """A correction scheduled for 1 July: the judgment is replaced by a scheduled one and the note is dated
    when it goes public. Before then neither is seen; from then on both are."""
    due = at(1, 7, 2019, hour=7)
    effectiveness = judgment_of(kent, "effectiveness")
    record_change(effectiveness, kind="major", note="Effectiveness grade corrected", user=publisher, at=due)
    record_change(kent, kind="major", note="Observations corrected", user=publisher, at=due)
    with clock(due - datetime.timedelta(minutes=1)):
        page = text_of(client.get(kent.get_absolute_url()))
        assert "corrected" not in page
        assert HISTORY not in page
        assert "corrected" not in text_of(client.get(effectiveness.get_absolute_url()))
        assert not [t for t in titles(feed_entries(client)) if "corrected" in t]
        assert public_notes([kent, effectiveness]) == []
    with clock(due):
        page = text_of(client.get(kent.get_absolute_url()))
        assert f"{HISTORY} 1 July 2019 Observations corrected 1 July 2019 Effectiveness grade corrected" in page
        assert "Last updated 1 July 2019" in page
        assert "Kent PEEL 2018/19: Effectiveness grade corrected" in titles(feed_entries(client))


def test_a_note_on_an_item_scheduled_for_later_waits_for_the_item(client, kent, publisher):
    due = timezone.now() + datetime.timedelta(days=1)
    pillar = make_pillar(year=kent.year, slug="legitimacy", name="Legitimacy", kind="legitimacy", position=5)
    legitimacy = make_judgment(assessment=kent, pillar=pillar, status=Status.SCHEDULED, publish_at=due)
    record_change(legitimacy, kind="major", note="Legitimacy grade corrected", user=publisher, at=timezone.now())
    assert "Legitimacy grade corrected" not in text_of(client.get(kent.get_absolute_url()))
    assert "Legitimacy grade corrected" not in client.get(FEED).content.decode()
    with clock(due):
        assert "Legitimacy grade corrected" in text_of(client.get(kent.get_absolute_url()))
        assert "Kent PEEL 2018/19: Legitimacy grade corrected" in titles(feed_entries(client))


def test_a_note_on_a_draft_never_shows(client, kent, publisher):
    pillar = make_pillar(year=kent.year, slug="leadership", name="Leadership", kind="leadership", position=9)
    draft_judgment = make_judgment(assessment=kent, pillar=pillar, status=Status.DRAFT)
    record_change(draft_judgment, kind="major", note="Leadership grade corrected", user=publisher, at=at(5, 5, 2019))
    # An assessment that is a draft, with a judgment published on its own, and one in a draft year.
    draft = make_assessment(
        force=kent.force, year=make_year(first_year=2017, slug="2017", title="PEEL 2017"), status=Status.DRAFT
    )
    under_draft = make_judgment(assessment=draft)
    in_draft_year = make_assessment(force=kent.force, year=make_year(first_year=2016, status=Status.DRAFT))
    withdrawn = make_assessment(year=kent.year, status=Status.WITHDRAWN)
    for item, words in [
        (draft, "Draft observations corrected"),
        (under_draft, "Draft grade corrected"),
        (in_draft_year, "Draft year corrected"),
        (withdrawn, "Withdrawn page corrected"),
    ]:
        record_change(item, kind="major", note=words, user=publisher, at=at(6, 5, 2019))

    page = text_of(client.get(kent.get_absolute_url()))
    assert "corrected" not in page
    assert HISTORY not in page
    feed = client.get(FEED).content.decode()
    assert "corrected" not in feed
    assert [t for t in titles(feed_entries(client)) if ":" in t] == []


# The feed


def test_each_major_change_is_a_feed_entry_dated_when_it_went_public(client, kent, publisher):
    kent_before = at(1, 4, 2019)
    type(kent).objects.filter(pk=kent.pk).update(updated_at=kent_before)
    effectiveness = judgment_of(kent, "effectiveness")
    grade = record_change(
        effectiveness, kind="major", note="Effectiveness grade corrected", user=publisher, at=at(5, 5, 2019)
    )
    words = record_change(
        kent, kind="major", note="Observations & context corrected", user=publisher, at=at(3, 6, 2019)
    )
    record_change(kent, kind="minor", note="Link mended", user=publisher, at=at(4, 6, 2019))

    entries = feed_entries(client)
    assert titles(entries) == [
        "Kent PEEL 2018/19: Observations & context corrected",
        "Kent PEEL 2018/19: Effectiveness grade corrected",
        "Kent PEEL 2018/19",
    ]
    newest, pillar_change, assessment = entries
    assert newest.find(f"{ATOM}link").get("href") == f"http://testserver/forces/kent/2018-19/#change-{words.pk}"
    assert datetime.datetime.fromisoformat(newest.findtext(f"{ATOM}updated")) == at(3, 6, 2019)
    assert newest.findtext(f"{ATOM}summary") == "Observations &amp; context corrected"  # HTML, escaped once
    link = pillar_change.find(f"{ATOM}link").get("href")
    assert link == f"http://testserver/forces/kent/2018-19/effectiveness/#change-{grade.pk}"
    assert datetime.datetime.fromisoformat(pillar_change.findtext(f"{ATOM}updated")) == at(5, 5, 2019)
    assert assessment.find(f"{ATOM}link").get("href") == "http://testserver/forces/kent/2018-19/"

    # Each entry's link opens the page at its note.
    html = client.get(link.removeprefix("http://testserver").split("#")[0]).content.decode()
    assert f'id="change-{grade.pk}"' in html


def test_the_feed_holds_each_major_note_once(client, publisher):
    forces, years = make_world(forces=3, years=2)
    from inspections.models import PillarJudgment

    notes = [
        record_change(judgment, kind="major", note=f"Grade {i} corrected", user=publisher, at=at(1 + i, 5, 2019))
        for i, judgment in enumerate(PillarJudgment.objects.order_by("pk"))
    ]
    assert len(notes) == 18
    entries = feed_entries(client)
    assert len(entries) == 6 + 18  # every assessment, and every note
    for note in notes:
        page = note.item.assessment
        assert titles(entries).count(f"{page.force.short_name} {page.year.title}: {note.note}") == 1
    dates = [datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}updated")) for entry in entries]
    assert dates == sorted(dates, reverse=True)


def test_the_feed_holds_the_fifty_newest_of_assessments_and_notes_together(client, publisher):
    from inspections.models import Assessment

    make_world(forces=20, years=2)
    Assessment.objects.update(updated_at=at(1, 1, 2019))
    newest = Assessment.objects.order_by("pk").first()
    for day in range(1, 11):
        record_change(newest, kind="major", note=f"Correction {day}", user=publisher, at=at(day, 6, 2019))
    entries = feed_entries(client)
    assert len(entries) == 50
    page = f"{newest.force.short_name} {newest.year.title}"
    assert titles(entries)[:10] == [f"{page}: Correction {day}" for day in range(10, 0, -1)]
    assert [t for t in titles(entries) if ":" not in t] == titles(entries)[10:]  # then forty assessments


# Query counts


def test_public_notes_is_one_query_however_many_items(kent, publisher, django_assert_num_queries, uncached):
    judgments = list(kent.pillar_judgments.all())
    for judgment in judgments:
        record_change(judgment, kind="major", note="Grade corrected", user=publisher, at=at(5, 5, 2019))
    with django_assert_num_queries(0):
        assert public_notes([]) == []
    with django_assert_num_queries(1):
        assert len(public_notes([kent])) == 0
    with django_assert_num_queries(1):
        assert len(public_notes([kent, *judgments])) == 2


def test_items_with_no_note_cost_no_query_once_the_noted_items_are_kept(kent, publisher, django_assert_num_queries):
    judgments = list(kent.pillar_judgments.all())
    record_change(judgments[0], kind="major", note="Grade corrected", user=publisher, at=at(5, 5, 2019))
    assert public_notes([kent]) == []  # works out, and keeps, which items have a note
    with django_assert_num_queries(0):
        assert public_notes([kent, judgments[1]]) == []
    with django_assert_num_queries(1):
        assert [n.note for n in public_notes([kent, *judgments])] == ["Grade corrected"]
    record_change(kent, kind="major", note="Dates corrected", user=publisher, at=at(6, 5, 2019))  # a write
    assert [n.note for n in public_notes([kent])] == ["Dates corrected"]


def test_a_note_due_later_is_shown_once_its_time_comes(kent, publisher):
    soon = timezone.now() + datetime.timedelta(hours=1)
    record_change(kent, kind="major", note="Grade corrected", user=publisher, at=soon)
    assert public_notes([kent]) == []
    with mock.patch("django.utils.timezone.now", return_value=soon + datetime.timedelta(seconds=1)):
        assert [n.note for n in public_notes([kent])] == ["Grade corrected"]


def test_last_updated_is_the_newest_major_change_or_the_pages_own_date(kent, publisher):
    assert last_updated([]) is None
    assert last_updated([], datetime.date(2019, 4, 1)) == datetime.date(2019, 4, 1)
    record_change(kent, kind="major", note="Grade corrected", user=publisher, at=at(5, 5, 2019))
    notes = public_notes([kent])
    assert last_updated(notes) == at(5, 5, 2019)
    assert last_updated(notes, datetime.date(2019, 4, 1)) == at(5, 5, 2019)
    assert last_updated(notes, datetime.date(2019, 6, 1)) == datetime.date(2019, 6, 1)


PAGES = {
    "assessment": (lambda forces, years: f"/forces/{forces[0].slug}/{years[-1].slug}/", 10),
    "pillar": (lambda forces, years: f"/forces/{forces[0].slug}/{years[-1].slug}/efficiency/", 7),
    "feed": (lambda forces, years: FEED, 3),
}


@pytest.mark.parametrize("notes", [False, True])
@pytest.mark.parametrize("page", PAGES)
def test_pages_make_a_fixed_number_of_queries_with_no_notes_or_many(
    client, uncached, django_assert_num_queries, publisher, page, notes
):
    forces, years = make_world(forces=4, years=2)
    if notes:
        from inspections.models import Assessment, PillarJudgment

        for item in [*Assessment.objects.all(), *PillarJudgment.objects.all()]:
            for n in range(3):
                record_change(item, kind="major", note=f"Correction {n}", user=publisher, at=at(1 + n, 5, 2019))
                record_change(item, kind="minor", note="", user=publisher, at=at(1 + n, 5, 2019))
    url, queries = PAGES[page]
    with django_assert_num_queries(queries):
        response = client.get(url(forces, years))
    assert response.status_code == 200
    body = response.content.decode()
    assert ("Correction 2" in body) == notes


def test_notes_about_other_kinds_of_item_stay_out_of_the_feed(client, kent, publisher):
    """A note may point at any item, whose id need not be a number: the feed reads only assessments' and
    pillar judgments' notes, and does not stumble on the others."""
    from django.contrib.contenttypes.models import ContentType

    from forces.models import Force

    ChangeNote.objects.create(
        content_type=ContentType.objects.get_for_model(Force),
        object_id="not-a-number",
        kind=ChangeNote.Kind.MAJOR,
        note="Force page corrected",
        made_at=at(5, 5, 2019),
    )
    record_change(kent, kind="major", note="Observations corrected", user=publisher, at=at(6, 5, 2019))
    assert "Kent PEEL 2018/19: Observations corrected" in titles(feed_entries(client))
    assert "Force page corrected" not in client.get(FEED).content.decode()
