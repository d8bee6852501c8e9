import re

import pytest
from django.urls import reverse

from inspections.models import Scale
from peel.publishing import Status
from tests.factories import (
    make_assessment,
    make_force,
    make_judgment,
    make_pillar,
    make_question,
    make_question_judgment,
    make_world,
    make_year,
)

pytestmark = pytest.mark.django_db


def text_of(response):
    """The page's visible text with tags removed and spaces folded, for reading like a person would."""
    return text_of_html(response.content.decode())


def text_of_html(html):
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
    return re.sub(r" ([.,;:])(?=\s|$)", r"\1", text)  # "forces</strong>." reads "forces."


def test_home_shows_the_latest_year_at_a_glance_and_a_force_search(client):
    year = make_year(title="PEEL 2031", first_year=2031)
    make_year(title="PEEL 2019", first_year=2019)
    make_judgment(assessment=make_assessment(year=year), grade="outstanding")
    page = text_of(client.get("/"))
    assert "PEEL 2031 at a glance" in page
    assert "Grades from PEEL 2031 are recorded here for 1 of the 1 forces." in page
    assert "Find a police force" in page


def test_home_leads_with_the_newest_mostly_recorded_year_and_says_how_partial_newer_ones_are(client):
    forces = [make_force() for _ in range(4)]
    full, partial = make_year(first_year=2018, title="PEEL 2018"), make_year(first_year=2021, title="PEEL 2021")
    full_pillar, partial_pillar = make_pillar(year=full), make_pillar(year=partial)
    for force in forces:
        make_judgment(assessment=make_assessment(force=force, year=full), pillar=full_pillar, grade="good")
    make_judgment(assessment=make_assessment(force=forces[0], year=partial), pillar=partial_pillar, grade="good")
    page = text_of(client.get("/"))
    assert "PEEL 2018 at a glance" in page
    assert "Grades from PEEL 2018 are recorded here for 4 of the 4 forces." in page
    assert (
        "PEEL 2021 is newer, but only 1 of its 4 grades (25%), for 1 of the 4 forces, are recorded here so far." in page
    )


@pytest.mark.parametrize("hidden", [Status.REVIEW, Status.SCHEDULED, Status.WITHDRAWN])
def test_home_never_leads_with_a_newly_published_year_that_has_no_public_grades(client, hidden):
    year = make_year(title="PEEL 2018", first_year=2018)
    make_judgment(assessment=make_assessment(year=year), grade="good")
    empty = make_year(title="PEEL 2032", first_year=2032)  # published, its pillars set up, no grade out yet
    make_judgment(assessment=make_assessment(year=empty), pillar=make_pillar(year=empty), status=hidden)
    page = text_of(client.get("/"))
    assert "PEEL 2018 at a glance" in page
    assert "PEEL 2032 is newer" not in page and "PEEL 2032 at a glance" not in page


def test_home_counts_the_forces_with_no_grade_recorded_for_each_pillar(client):
    year = make_year(title="PEEL 2031", first_year=2031)
    pillar = make_pillar(year=year, name="Efficiency")
    make_judgment(assessment=make_assessment(year=year), pillar=pillar, grade="good")
    make_judgment(assessment=make_assessment(year=year), pillar=pillar, grade="", not_graded=True)
    make_force()
    page = text_of(client.get("/"))
    assert "Pillar Outstanding Good Requires improvement Inadequate No grade recorded here" in page
    counts = "Outstanding 0 Good 1 Requires improvement 0 Inadequate 0 No grade recorded here 1 (and 1 not graded)"
    assert f"Efficiency {counts}" in page


def test_year_list_shows_published_years_only(client):
    make_year(title="PEEL 2040")
    make_year(title="PEEL 2041", status=Status.DRAFT)
    page = text_of(client.get(reverse("inspections:year-list")))
    assert "PEEL 2040" in page
    assert "PEEL 2041" not in page


def test_year_page_lists_forces_with_grades_and_names_those_without_once(client):
    year = make_year(title="PEEL 2050", slug="2050")
    efficiency = make_pillar(year=year, name="Efficiency", slug="efficiency")
    legitimacy = make_pillar(year=year, name="Legitimacy", slug="legitimacy")
    make_pillar(year=year, name="Leadership", slug="leadership", graded=False)
    kent = make_force(name="Kent Police", short_name="Kent", slug="kent")
    essex = make_force(name="Essex Police", short_name="Essex", slug="essex")
    make_force(name="Surrey Police", short_name="Surrey", slug="surrey")
    kent_2050 = make_assessment(force=kent, year=year)
    make_judgment(assessment=kent_2050, pillar=efficiency, grade="requires-improvement")
    make_judgment(assessment=kent_2050, pillar=legitimacy, grade="good")
    make_judgment(assessment=make_assessment(force=essex, year=year), pillar=efficiency, grade="outstanding")
    page = text_of(client.get("/peel/2050/"))
    assert "Grades are recorded here for 2 of the 3 forces; 1 of them has a grade in every column." in page
    assert "“Leadership” was inspected but not graded, so it has no column here." in page
    assert "Force Efficiency Legitimacy" in page
    assert "Kent Efficiency: Requires improvement Legitimacy: Good" in page
    assert "Essex 1 of 2 recorded Efficiency: Outstanding – No grade recorded" in page
    assert "No grade recorded here for 1 force" in page
    assert page.count("Surrey") == 1
    assert "It does not mean it was not graded" in page


def test_year_page_filters_by_region_and_sorts_by_grade(client):
    year = make_year(slug="2051")
    pillar = make_pillar(year=year, slug="efficiency", name="Efficiency")
    north, south = make_force(short_name="Northshire"), make_force(short_name="Southshire")
    make_judgment(assessment=make_assessment(force=north, year=year), pillar=pillar, grade="good")
    make_judgment(assessment=make_assessment(force=south, year=year), pillar=pillar, grade="outstanding")

    by_grade = text_of(client.get("/peel/2051/", {"sort": "efficiency"}))
    assert by_grade.index("Southshire Efficiency: Outstanding") < by_grade.index("Northshire Efficiency: Good")

    only_north = text_of(client.get("/peel/2051/", {"region": north.region.slug}))
    assert "Northshire" in only_north
    assert "Southshire" not in only_north


def test_five_point_years_warn_that_grades_are_not_comparable(client):
    make_year(slug="2121", scale=Scale.FIVE_POINT)
    make_year(slug="2118", scale=Scale.FOUR_POINT)
    assert "cannot be compared directly" in text_of(client.get("/peel/2121/"))
    assert "cannot be compared directly" not in text_of(client.get("/peel/2118/"))


def test_assessment_page_shows_its_grades_and_how_they_changed(client):
    kent = make_force(short_name="Kent", slug="kent")
    before, year = make_year(first_year=2015, slug="2015"), make_year(first_year=2016, slug="2016", label="2016")
    for y, grade in ((before, "good"), (year, "outstanding")):
        make_judgment(
            assessment=make_assessment(force=kent, year=y),
            pillar=make_pillar(year=y, slug="legitimacy", name="Legitimacy", headline_question="How legitimate?"),
            grade=grade,
            summary="Kent treats people **fairly**.",
        )
    response = client.get("/forces/kent/2016/")
    page = text_of(response)
    assert "Kent 2016" in page
    assert re.search(r"Legitimacy Outstanding \W? ?Better than the year before", page)
    assert "<strong>fairly</strong>" in response.content.decode()


def test_assessment_page_escapes_and_sanitises_authored_text(client):
    assessment = make_assessment(observations="<script>alert(1)</script>Fine [link](javascript:alert(1))")
    html = client.get(assessment.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert "javascript:" not in html
    assert "Fine" in html


def test_draft_assessments_and_judgments_are_never_public(client):
    draft = make_assessment(status=Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    hidden = make_judgment(status=Status.DRAFT, grade="inadequate")
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert "Inadequate" not in text_of(client.get(hidden.assessment.get_absolute_url()))
    in_draft_year = make_assessment(year=make_year(status=Status.DRAFT))
    assert client.get(in_draft_year.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "url",
    ["/forces/nowhere/", "/forces/nowhere/2016/", "/peel/1066/", "/forces/nowhere/2016/efficiency/"],
)
def test_unknown_force_year_or_pillar_is_not_found(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in text_of(response)


def test_unknown_pillar_of_a_real_assessment_is_not_found(client):
    judgment = make_judgment()
    assert client.get(judgment.get_absolute_url().replace(judgment.pillar.slug, "nothing")).status_code == 404


def test_pillar_page_lists_its_questions_with_grades(client):
    judgment = make_judgment(grade="good")
    make_question_judgment(
        pillar_judgment=judgment,
        question=make_question(pillar=judgment.pillar, text="How well does it plan?"),
        grade="outstanding",
        summary="It plans well.",
    )
    make_question(pillar=judgment.pillar, text="How well does it listen?", graded=False)
    page = text_of(client.get(judgment.get_absolute_url()))
    assert "Question 1 How well does it plan? Outstanding It plans well." in page
    assert "Question 2 How well does it listen? Ungraded" in page


# Every public page makes the same number of queries whatever the size of the data: the bound is checked on a
# small world and again on one with ten times the forces and years. Each count includes the consultation banner's.
PAGES = {
    "home": (lambda forces, years: "/", 5),
    "forces": (lambda forces, years: "/forces/", 8),
    "force": (lambda forces, years: forces[0].get_absolute_url(), 9),
    "years": (lambda forces, years: "/peel/", 4),
    "year": (lambda forces, years: years[-1].get_absolute_url() + "?group=region&sort=efficiency", 7),
    # The assessment and pillar pages read their public change notes in one query (peel.publishing.changes).
    "assessment": (lambda forces, years: f"/forces/{forces[0].slug}/{years[-1].slug}/", 10),
    "pillar": (lambda forces, years: f"/forces/{forces[0].slug}/{years[-1].slug}/efficiency/", 7),
}


@pytest.mark.parametrize("scale", [1, 10])
@pytest.mark.parametrize("page", PAGES)
def test_public_pages_make_a_fixed_number_of_queries(client, uncached, django_assert_num_queries, page, scale):
    forces, years = make_world(forces=4 * scale, years=2 * scale)
    url, queries = PAGES[page]
    with django_assert_num_queries(queries):
        response = client.get(url(forces, years))
    assert response.status_code == 200


def test_a_summary_written_for_this_site_is_never_shown_as_the_inspectors_own_words(client):
    from inspections.models import Inspector, NarrativeOrigin

    inspector = Inspector.objects.create(name="Ann Example", title="HM Inspector of Constabulary")
    assessment = make_assessment(
        force=make_force(name="Kent Police", short_name="Kent", slug="kent"),
        year=make_year(slug="2016", title="PEEL 2016", label="2016"),
        inspector=inspector,
        observations="The force performs well.",
        narrative_origin=NarrativeOrigin.SITE_SUMMARY,
        report_url="https://hmicfrs.justiceinspectorates.gov.uk/peel-assessments/peel-2016/kent/",
    )
    html = client.get(assessment.get_absolute_url()).content.decode()
    page = text_of_html(html)
    assert "The text below was written for this site from the published PEEL 2016 assessment of Kent Police." in page
    assert "it is not the inspectorate’s wording, and it is not Ann Example’s." in page
    assert "Summary of HMI’s observations The force performs well." in page
    assert '<h2 class="govuk-heading-l" id="observations-heading">HMI’s observations</h2>' not in html
    report = "https://hmicfrs.justiceinspectorates.gov.uk/peel-assessments/peel-2016/kent/"
    assert f'href="{report}">Read the inspectorate’s own words' in html


def test_the_inspectorates_own_narrative_is_signed_by_its_inspector(client):
    from inspections.models import Inspector

    inspector = Inspector.objects.create(name="Ann Example", title="HM Inspector of Constabulary")
    assessment = make_assessment(inspector=inspector, observations="The force performs well.")
    page = text_of(client.get(assessment.get_absolute_url()))
    assert "Ann Example HM Inspector of Constabulary HMI’s observations The force performs well." in page
    assert "written for this site" not in page


def test_an_assessment_names_the_pillars_it_has_no_grade_for_and_where_each_grade_came_from(client):
    year = make_year(title="PEEL 2023–2025", label="2023–25", slug="2023-25", scale=Scale.FIVE_POINT)
    assessment = make_assessment(year=year)
    make_judgment(
        assessment=assessment,
        pillar=make_pillar(year=year, name="Investigating crime"),
        grade="adequate",
        source_url="https://www.example-news.co.uk/story",
    )
    make_pillar(year=year, name="Responding to the public")
    make_pillar(year=year, name="Providing a service to victims of crime", graded=False)
    page = text_of(client.get(assessment.get_absolute_url()))
    assert "Investigating crime Adequate Responding to the public No grade recorded" in page
    assert "victims of crime" not in page.split("Grades", 1)[1].split("This site holds")[0]
    assert "This site holds no grade for 1 of the PEEL 2023–2025 areas" in page
    assert "Where this grade was published: example-news.co.uk" in page
    assert "Find " in page and "report on the inspectorate’s PEEL pages" in page


class TestTheRealDataIsShownHonestly:
    def test_notes_on_sources_stay_off_the_public_pages(self, client, peel_data):
        from inspections.models import InspectionYear

        notes = InspectionYear.objects.get(slug="2016").source_notes
        assert "page dates 08/12/2016" in notes
        for url in ["/", "/peel/", "/peel/2016/", "/forces/kent/2016/"]:
            assert "page dates" not in client.get(url).content.decode(), url

    @pytest.mark.parametrize("url", ["/forces/northamptonshire/2016/", "/forces/bedfordshire/2021-22/"])
    def test_every_link_to_a_source_uses_https(self, client, peel_data, url):
        html = client.get(url).content.decode()
        assert 'href="http://' not in html
        assert "Where this grade was published: <a" in html

    def test_an_assessment_links_to_the_inspectorates_own_report_page(self, client, peel_data):
        html = client.get("/forces/kent/2017/").content.decode()
        assert 'href="https://hmicfrs.justiceinspectorates.gov.uk/peel-assessments/peel-2017/kent/"' in html


def test_an_assessment_lists_its_pillars_in_the_years_order_whatever_order_they_were_recorded_in(client):
    year = make_year()
    effectiveness, efficiency, legitimacy = (
        make_pillar(year=year, name=name, slug=name.lower(), position=position)
        for position, name in enumerate(("Effectiveness", "Efficiency", "Legitimacy"), start=1)
    )
    assessment = make_assessment(year=year)
    for pillar in (legitimacy, effectiveness, efficiency):  # recorded last pillar first
        make_judgment(assessment=assessment, pillar=pillar)
    page = text_of(client.get(assessment.get_absolute_url()))
    headings = [page.index(f"{name} Good") for name in ("Effectiveness", "Efficiency", "Legitimacy")]
    assert headings == sorted(headings)
