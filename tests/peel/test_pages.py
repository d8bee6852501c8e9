import html
import re

import pytest
from django.conf import settings

from inspections.models import NOT_COMPARABLE_WARNING, Scale
from peel.pages import ACCESSIBILITY_STATEMENT_REVIEWED
from peel.publishing import Status
from tests.factories import make_year
from tests.inspections.test_views import text_of

INSPECTORATE_CONTACT = "https://hmicfrs.justiceinspectorates.gov.uk/contact-us/"

# Every public page type, real data loaded.
PUBLIC_PAGES = [
    "/",
    "/forces/",
    "/forces/kent/",
    "/forces/kent/2016/",
    "/forces/kent/2015/efficiency/",
    "/peel/",
    "/peel/2017/",
    "/peel/2021-22/",
    "/peel/about-grades/",
    "/accessibility/",
    "/privacy/",
    "/cookies/",
    "/contact/",
]
SITE_PAGES = ["/peel/about-grades/", "/accessibility/", "/privacy/", "/cookies/", "/contact/"]


def head_of(response):
    page = response.content.decode()
    title = re.search(r"<title>(.*?)</title>", page, flags=re.S)
    description = re.search(r'<meta name="description" content="([^"]*)">', page)
    return (
        html.unescape(" ".join(title.group(1).split())) if title else "",
        html.unescape(" ".join(description.group(1).split())) if description else "",
    )


def test_every_public_page_has_its_own_title_and_description(client, peel_data):
    heads = {}
    for url in PUBLIC_PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        heads[url] = head_of(response)
    for url, (title, description) in heads.items():
        assert title.endswith(" – PEEL assessments"), f"{url}: {title!r}"
        assert len(description) > 40, f"{url} has no useful description: {description!r}"
    titles = [title for title, _ in heads.values()]
    descriptions = [description for _, description in heads.values()]
    assert len(set(titles)) == len(titles), f"titles shared between pages: {heads}"
    assert len(set(descriptions)) == len(descriptions), f"descriptions shared between pages: {heads}"


def test_descriptions_speak_of_the_page_they_describe(client, peel_data):
    assert head_of(client.get("/forces/kent/2016/"))[1].startswith("Kent Police’s PEEL grades for PEEL 2016")
    assert "PEEL 2021/22" in head_of(client.get("/peel/2021-22/"))[1]


def test_the_page_not_found_has_a_description(client, db):
    assert head_of(client.get("/no/such/page/"))[1]


def test_no_public_page_sets_a_cookie_for_a_reader(client, peel_data):
    for url in PUBLIC_PAGES:
        response = client.get(url)
        assert not response.cookies, f"{url} set {list(response.cookies)}"
        assert not response.has_header("Set-Cookie"), url


def test_the_cookies_page_names_every_cookie_staff_get_when_they_sign_in(client, django_user_model):
    django_user_model.objects.create_superuser("editor", "editor@example.org", "a long passphrase")
    seen = {}
    seen.update(client.get("/admin/login/").cookies)
    seen.update(client.post("/admin/login/", {"username": "editor", "password": "a long passphrase"}).cookies)
    seen.update(client.get("/admin/").cookies)
    page = text_of(client.get("/cookies/"))
    assert {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME} <= set(seen)
    for name in seen:
        assert name in page, f"the cookies page does not mention {name}"
    assert (
        "sessionid Keeps you signed in to the staff admin "
        "When you sign out or close your browser, and at most 8 hours after you sign in"
    ) in page
    assert "csrftoken Protects the forms you send" in page
    assert "This website sets no cookies when you read it" in page


@pytest.mark.django_db
@pytest.mark.parametrize("url", [*SITE_PAGES, "/robots.txt"])
def test_site_pages_answer_get_and_head_only(client, url):
    assert client.get(url).status_code == 200
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("url", SITE_PAGES)
def test_site_pages_have_breadcrumbs_home_first_and_are_linked_from_every_footer(client, url):
    page = client.get(url).content.decode()
    trail = re.search(r'<nav class="govuk-breadcrumbs[^>]*>(.*?)</nav>', page, flags=re.S).group(1)
    assert re.search(r'<a class="govuk-breadcrumbs__link" href="/">Home</a>', trail)
    assert 'aria-current="page"' in trail
    footer = client.get("/forces/").content.decode().split('<footer class="govuk-template__footer">')[1]
    assert f'href="{url}"' in footer


@pytest.mark.django_db
def test_footer_keeps_staff_sign_in(client):
    footer = client.get("/privacy/").content.decode().split('<footer class="govuk-template__footer">')[1]
    assert 'href="/admin/">Staff sign in</a>' in footer


@pytest.mark.django_db
def test_robots_txt_lets_search_engines_in_but_not_into_the_admin(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /" not in lines


@pytest.mark.django_db
def test_accessibility_statement_says_when_it_was_reviewed_how_it_was_tested_and_where_to_complain(client):
    response = client.get("/accessibility/")
    page = text_of(response)
    assert f"last reviewed on {ACCESSIBILITY_STATEMENT_REVIEWED:%-d %B %Y}" in page
    assert "last reviewed on 23 November 2026" in page
    for words in ("axe-core 4.14", "WCAG 2.2", "320 pixels", "Nu Html Checker", "keyboard", "colour contrast"):
        assert words in page
    assert "partially compliant" in page
    assert "hidden from screen readers" in page
    assert "Django admin" in page
    content = response.content.decode()
    assert f'href="{INSPECTORATE_CONTACT}"' in content
    assert 'href="https://www.equalityadvisoryservice.com/"' in content


@pytest.mark.django_db
def test_privacy_notice_names_the_controller_what_is_kept_and_how_to_complain(client):
    response = client.get("/privacy/")
    page = text_of(response)
    assert "is the data controller" in page
    assert "your IP address, the page you asked for" in page
    assert "your name and email address" in page
    assert "UK GDPR" in page
    assert "consultation’s own page tells you what it will collect and why" in page
    assert 'href="https://ico.org.uk/make-a-complaint/"' in response.content.decode()


@pytest.mark.django_db
def test_contact_page_points_to_the_inspectorate_and_shows_an_email_only_when_one_is_set(client, settings):
    settings.PEEL_CONTACT_EMAIL = ""
    response = client.get("/contact/")
    assert f'href="{INSPECTORATE_CONTACT}"' in response.content.decode()
    assert "mailto:" not in response.content.decode()
    assert "Press enquiries" in text_of(response)

    settings.PEEL_CONTACT_EMAIL = "peel-site@example.org"
    response = client.get("/contact/")
    assert 'href="mailto:peel-site@example.org"' in response.content.decode()
    assert "You can also email peel-site@example.org" in text_of(response)


def test_about_grades_gives_each_published_year_its_scale(client, peel_data):
    page = text_of(client.get("/peel/about-grades/"))
    assert "PEEL 2016 Four grades: Outstanding, good, requires improvement, inadequate" in page
    assert "PEEL 2018/19 Four grades: Outstanding, good, requires improvement, inadequate" in page
    assert "PEEL 2021/22 Five grades: Outstanding, good, adequate, requires improvement, inadequate" in page


@pytest.mark.django_db
def test_about_grades_explains_each_grade_the_missing_ones_and_why_2021_differs(client):
    response = client.get("/peel/about-grades/")
    page = text_of(response)
    for grade in ("Outstanding", "Good", "Adequate", "Requires improvement", "Inadequate"):
        assert re.search(rf"{grade} The (force|inspectorate) ", page), grade
    assert "No grade recorded This site does not hold a grade for it yet" in page
    assert "Not graded The inspectorate decided not to grade this force" in page
    assert "Greater Manchester Police was not graded" in page
    assert "Ungraded The pillar or question is reported in words only" in page
    assert " ".join(NOT_COMPARABLE_WARNING.split()) in page
    assert 'href="https://hmicfrs.justiceinspectorates.gov.uk/peel-assessments/what-is-peel/"' in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_about_grades_leaves_out_draft_years(client):
    make_year(title="PEEL 2060", scale=Scale.FIVE_POINT)
    make_year(title="PEEL 2061", status=Status.DRAFT)
    page = text_of(client.get("/peel/about-grades/"))
    assert "PEEL 2060 Five grades" in page
    assert "PEEL 2061" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("years", [2, 20])
def test_about_grades_makes_two_queries_however_many_years(client, uncached, django_assert_num_queries, years):
    for _ in range(years):
        make_year()
    with django_assert_num_queries(2):  # the years, and the consultation banner
        response = client.get("/peel/about-grades/")
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accessibility/", "/privacy/", "/cookies/", "/contact/"])
def test_site_pages_make_only_the_banners_query(client, uncached, django_assert_num_queries, url):
    with django_assert_num_queries(1):
        assert client.get(url).status_code == 200
