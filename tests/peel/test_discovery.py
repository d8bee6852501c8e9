"""How readers and search engines find the site's pages: the sitemap, the Atom feed, the feed link in every
page's head and the sitemap line in robots.txt. Drafts, and everything belonging to a draft, stay out."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from inspections.models import Assessment
from peel.publishing import Status
from tests.factories import make_assessment, make_force, make_judgment, make_pillar, make_region, make_world, make_year

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"
FEED = "/feeds/assessments.atom"
INSPECTORATE = "HM Inspectorate of Constabulary and Fire & Rescue Services"
FEED_LINK = re.compile(
    r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="/feeds/assessments\.atom">'
)


def at(day, month, year):
    return datetime.datetime(year, month, day, 12, tzinfo=datetime.UTC)


def stamp(assessment, when):
    """Set when an assessment last changed (saving would set it to now)."""
    Assessment.objects.filter(pk=assessment.pk).update(updated_at=when)


def paths_of(*names):
    """The paths of those named pages that exist: some are still being added to the site."""
    paths = []
    for name in names:
        try:
            paths.append(reverse(name))
        except NoReverseMatch:
            continue
    return paths


OPTIONAL_LISTINGS = paths_of("inspections:compare", "inspections:data")


def peel_year(first_year, **overrides):
    name = str(first_year)
    return make_year(slug=name, title=f"PEEL {name}", label=name, first_year=first_year, **overrides)


def parse(response):
    return ET.fromstring(response.content)  # noqa: S314 (the site's own response, not outside input)


@pytest.fixture
def kent():
    """Kent graded in a published PEEL 2016, with a draft next to everything that is published: a draft
    assessment in a published year, an assessment (published itself) in a draft year, and a draft judgment in
    a published assessment. The drafts are the most recently changed, so they would show if they leaked."""
    region = make_region(name="South East", slug="south-east")
    force = make_force(name="Kent Police", short_name="Kent", slug="kent", region=region)
    make_force(name="Surrey Police", short_name="Surrey", slug="surrey", region=region)
    y2015 = peel_year(2015, published_on=datetime.date(2016, 2, 18))
    y2016 = peel_year(2016, published_on=datetime.date(2017, 3, 2))
    y2017 = peel_year(2017, status=Status.DRAFT)

    published = make_assessment(force=force, year=y2016)
    grades = [("effectiveness", "good"), ("efficiency", "good"), ("legitimacy", "outstanding")]
    for position, (slug, grade) in enumerate(grades):
        pillar = make_pillar(year=y2016, slug=slug, name=slug.capitalize(), kind=slug, position=position)
        last_updated = datetime.date(2017, 4, 1) if slug == "legitimacy" else None
        make_judgment(assessment=published, pillar=pillar, grade=grade, last_updated=last_updated)
    leadership = make_pillar(year=y2016, slug="leadership", name="Leadership", kind="leadership", position=9)
    make_judgment(assessment=published, pillar=leadership, grade="inadequate", status=Status.DRAFT)
    stamp(published, at(2, 3, 2017))

    draft = make_assessment(force=force, year=y2015, status=Status.DRAFT)
    make_judgment(assessment=draft, pillar=make_pillar(year=y2015, slug="effectiveness", name="Effectiveness"))
    stamp(draft, at(1, 1, 2024))

    in_draft_year = make_assessment(force=force, year=y2017)
    make_judgment(assessment=in_draft_year, pillar=make_pillar(year=y2017, slug="effectiveness", name="Effectiveness"))
    stamp(in_draft_year, at(1, 1, 2025))
    return published


HIDDEN = [
    "/peel/2017/",
    "/forces/kent/2017/",
    "/forces/kent/2017/effectiveness/",
    "/forces/kent/2015/",
    "/forces/kent/2015/effectiveness/",
    "/forces/kent/2016/leadership/",
]


def sitemap_of(client, **request):
    response = client.get("/sitemap.xml", **request)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = parse(response)
    assert root.tag == f"{SITEMAP}urlset"
    return {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in root.iter(f"{SITEMAP}url")}


def feed_of(client):
    response = client.get(FEED)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = parse(response)
    assert root.tag == f"{ATOM}feed"
    return root


def test_sitemap_lists_every_public_page_with_when_its_content_changed(client, kent):
    changed = "2017-03-02"  # Kent 2016, the newest published assessment
    expected = {
        "/": changed,
        "/forces/": changed,
        "/peel/": changed,
        "/peel/about-grades/": None,
        "/accessibility/": None,
        "/privacy/": None,
        "/cookies/": None,
        "/contact/": None,
        "/consultations/": None,
        "/forces/kent/": changed,
        "/forces/surrey/": None,  # a force with no published assessment has a page, but no date for it
        "/peel/2015/": "2016-02-18",
        "/peel/2016/": "2017-03-02",
        "/forces/kent/2016/": changed,
        "/forces/kent/2016/effectiveness/": changed,
        "/forces/kent/2016/efficiency/": changed,
        "/forces/kent/2016/legitimacy/": "2017-04-01",  # the judgment's own date
    }
    for optional in OPTIONAL_LISTINGS:
        expected[optional] = changed
    assert sitemap_of(client) == {f"http://testserver{path}": lastmod for path, lastmod in expected.items()}


def test_every_page_in_the_sitemap_is_there_to_read(client, kent):
    for location in sitemap_of(client):
        assert client.get(location.removeprefix("http://testserver")).status_code == 200, location


def test_sitemap_and_robots_txt_use_the_host_and_scheme_asked_for(client, kent):
    locations = sitemap_of(client, HTTP_HOST="localhost", secure=True)
    assert "https://localhost/forces/kent/2016/" in locations
    assert all(location.startswith("https://localhost/") for location in locations)
    robots = client.get("/robots.txt", HTTP_HOST="localhost", secure=True).content.decode().splitlines()
    assert "Sitemap: https://localhost/sitemap.xml" in robots


def test_robots_txt_names_the_sitemap(client):
    lines = client.get("/robots.txt").content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines


def test_drafts_and_what_belongs_to_them_are_in_neither_the_sitemap_nor_the_feed(client, kent):
    locations = sitemap_of(client)
    feed = client.get(FEED).content.decode()
    for path in HIDDEN:
        assert f"http://testserver{path}" not in locations
        assert f"http://testserver{path}" not in feed
    assert "PEEL 2017" not in feed
    assert "PEEL 2015" not in feed
    assert "Leadership" not in feed
    assert "Inadequate" not in feed


def test_feed_is_atom_with_each_assessment_its_grades_in_words_and_when_it_changed(client, kent):
    other = make_assessment(force=make_force(short_name="Devon & Cornwall", slug="devon-and-cornwall"), year=kent.year)
    stamp(other, at(5, 3, 2017))
    feed = feed_of(client)
    assert feed.findtext(f"{ATOM}title") == "PEEL assessments: new and changed"
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == INSPECTORATE
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == f"http://testserver{FEED}"
    assert datetime.datetime.fromisoformat(feed.findtext(f"{ATOM}updated")) == at(5, 3, 2017)

    entries = feed.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["Devon & Cornwall PEEL 2016", "Kent PEEL 2016"]
    entry = entries[1]
    assert entry.find(f"{ATOM}link").get("href") == "http://testserver/forces/kent/2016/"
    assert datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}updated")) == at(2, 3, 2017)
    assert entry.findtext(f"{ATOM}summary") == "Effectiveness: Good. Efficiency: Good. Legitimacy: Outstanding."
    assert entry.find(f"{ATOM}summary").get("type") == "html"
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == INSPECTORATE
    assert entries[0].findtext(f"{ATOM}summary") == "No grades are recorded on this site for this assessment yet."


def test_feed_holds_the_fifty_most_recently_changed(client):
    make_world(forces=30, years=2)
    newest = list(Assessment.objects.order_by("-updated_at", "-pk")[:50])
    entries = feed_of(client).findall(f"{ATOM}entry")
    assert len(entries) == 50
    assert [e.find(f"{ATOM}link").get("href") for e in entries] == [
        f"http://testserver{a.get_absolute_url()}" for a in newest
    ]


@pytest.mark.parametrize("scale", [1, 10])
@pytest.mark.parametrize(("url", "queries"), [("/sitemap.xml", 6), (FEED, 3)])
def test_sitemap_and_feed_make_a_fixed_number_of_queries(
    client, uncached, django_assert_num_queries, scale, url, queries
):
    forces, years = make_world(forces=4 * scale, years=2 * scale)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    if url == FEED:
        assert len(parse(response).findall(f"{ATOM}entry")) == min(50, len(forces) * len(years))
    else:
        # Every force, year, assessment and pillar judgment of the world, and the fixed pages.
        listed = len(parse(response).findall(f"{SITEMAP}url"))
        content = len(forces) + len(years) + len(forces) * len(years) * 4
        assert listed == content + 9 + len(OPTIONAL_LISTINGS)


def test_every_page_advertises_the_feed_in_its_head(client, kent):
    pages = [location.removeprefix("http://testserver") for location in sitemap_of(client)]
    for path in [*pages, "/forces/atlantis/"]:
        head = client.get(path).content.decode().split("</head>")[0]
        assert FEED_LINK.search(head), path
    assert reverse("assessments-feed") == FEED


def test_feed_and_sitemap_dates_come_from_the_content(client, kent):
    """Saving an assessment moves its date in both, and its force's and the listings' dates with it."""
    kent.save()
    today = timezone.localdate().isoformat()
    locations = sitemap_of(client)
    for path in ["/", "/forces/kent/", "/forces/kent/2016/", "/forces/kent/2016/efficiency/"]:
        assert locations[f"http://testserver{path}"] == today
    assert locations["http://testserver/forces/kent/2016/legitimacy/"] == "2017-04-01"
    entry = feed_of(client).find(f"{ATOM}entry")
    updated = datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
    assert abs(timezone.now() - updated) < datetime.timedelta(minutes=1)


def test_published_consultations_are_in_the_sitemap_and_drafts_are_not(client):
    from tests.consultations.factories import make_consultation

    live = make_consultation(slug="live-one")
    make_consultation(slug="draft-one", status=Status.DRAFT)
    locations = sitemap_of(client)
    assert f"http://testserver{live.get_absolute_url()}" in locations
    assert not any("draft-one" in location for location in locations)
