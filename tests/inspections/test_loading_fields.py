"""What the loader writes beyond the grades: other names, notes on sources, report pages and whose words."""

import re

import pytest

from forces.models import Force
from inspections.models import Assessment, InspectionYear, NarrativeOrigin, PillarJudgment, QuestionJudgment, Report
from tests.inspections.test_loading import copy_data, load

pytestmark = pytest.mark.django_db


def test_a_forces_other_names_load_one_per_line():
    load("--no-demo")
    assert Force.objects.get(slug="metropolitan").other_names == (
        "the Met\nMet Police\nMetropolitan Police\nLondon\nScotland Yard"
    )
    assert Force.objects.get(slug="kent").other_names == "Medway"


def test_a_forces_file_without_other_names_loads_and_leaves_them_alone(tmp_path):
    load("--no-demo")
    Force.objects.filter(slug="kent").update(other_names="Garden of England")
    data = copy_data(tmp_path)
    path = data / "forces.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("".join(line.rsplit(",", 1)[0] + "\n" for line in lines), encoding="utf-8")
    assert path.read_text(encoding="utf-8").startswith("name,slug,region,country,area_sq_miles,population\n")

    output = load("--data-dir", str(data), "--no-demo")

    assert "forces: 0 created, 0 changed, 43 unchanged" in output
    assert Force.objects.get(slug="kent").other_names == "Garden of England"


def test_a_years_notes_on_sources_are_for_staff_and_its_public_notes_are_left_alone():
    load("--no-demo")
    year = InspectionYear.objects.get(slug="2017")
    assert year.source_notes.startswith("Efficiency reports 9 Nov 2017")
    assert year.notes == ""

    InspectionYear.objects.filter(slug="2017").update(notes="Grades for *Greater Manchester* were withheld.")
    output = load("--no-demo")

    assert "inspection years: 0 created, 0 changed, 7 unchanged" in output
    assert InspectionYear.objects.get(slug="2017").notes == "Grades for *Greater Manchester* were withheld."


def report_url(force, year):
    return Assessment.objects.get(force__slug=force, year__slug=year).report_url


def test_an_assessment_links_to_the_inspectorates_page_for_it():
    load("--no-demo")
    assert report_url("kent", "2016") == "https://www.justiceinspectorates.gov.uk/hmic/peel-assessments/peel-2016/kent/"
    # Written without the final slash, or with an empty query, in the data.
    assert report_url("humberside", "2014") == (
        "https://hmicfrs.justiceinspectorates.gov.uk/peel-assessments/peel-2014/humberside/"
    )
    assert report_url("cheshire", "2014") == (
        "https://hmicfrs.justiceinspectorates.gov.uk/peel-assessments/peel-2014/cheshire/"
    )
    # Only news stories and the like in the data: no page to link to.
    assert report_url("warwickshire", "2023-25") == ""


def test_the_page_chosen_is_the_most_common_and_only_the_right_force_and_year_count(tmp_path):
    data = copy_data(tmp_path)
    path = data / "peel_judgments.csv"
    rows = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("2016,kent,")]
    other = "http://www.justiceinspectorates.gov.uk/hmicfrs/peel-assessments/peel-2016/kent?"
    rows += [
        "2016,kent,effectiveness,,good,https://www.justiceinspectorates.gov.uk/hmic/peel-assessments/peel-2016/kent/",
        f"2016,kent,efficiency,,good,{other}",
        f"2016,kent,efficiency,1,outstanding,{other}",
        "2016,kent,efficiency,2,good,https://hmicfrs.justiceinspectorates.gov.uk/peel-assessments/peel-2016/essex/",
        "2016,kent,efficiency,3,good,https://hmicfrs.justiceinspectorates.gov.uk/peel-assessments/peel-2017/kent/",
        "2016,kent,legitimacy,,outstanding,https://justiceinspectorates.gov.uk.example.org/peel-assessments/peel-2016/kent/",
        "2016,kent,legitimacy,1,outstanding,https://hmicfrs.justiceinspectorates.gov.uk/peel-assessments/peel-2016/kent/x/",
        "2016,kent,legitimacy,2,good,https://notjusticeinspectorates.gov.uk/peel-assessments/peel-2016/kent/",
        "2016,kent,legitimacy,3,outstanding,https://hmicfrs.justiceinspectorates.gov.uk/hmic/peel-assessments/peel-2016/kent/",
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")

    load("--data-dir", str(data), "--no-demo")

    assert report_url("kent", "2016") == (
        "https://www.justiceinspectorates.gov.uk/hmicfrs/peel-assessments/peel-2016/kent/"
    )
    # A year like 2018-19 is found under its first year's digits.
    assert report_url("cheshire", "2018-19") == (
        "https://www.justiceinspectorates.gov.uk/hmicfrs/peel-assessments/peel-2018/cheshire/"
    )


def test_a_reload_keeps_an_editors_report_url_and_fills_a_blank_one():
    load("--no-demo")
    mine = "https://example.org/kent-2016/"
    Assessment.objects.filter(force__slug="kent", year__slug="2016").update(report_url=mine)
    Assessment.objects.filter(force__slug="kent", year__slug="2017").update(report_url="")

    output = load("--no-demo")

    assert "assessments: 0 created, 1 changed" in output
    assert report_url("kent", "2016") == mine
    assert report_url("kent", "2017") == "https://hmicfrs.justiceinspectorates.gov.uk/peel-assessments/peel-2017/kent/"


def test_the_demo_assessments_are_marked_as_summaries_written_for_this_site():
    load()
    summaries = Assessment.objects.filter(narrative_origin=NarrativeOrigin.SITE_SUMMARY)
    assert sorted(summaries.values_list("force__slug", "year__slug")) == [("kent", "2015"), ("kent", "2016")]
    assert Assessment.objects.filter(narrative_origin=NarrativeOrigin.INSPECTORATE).count() == (
        Assessment.objects.count() - 2
    )


FIRST_PERSON = re.compile(r"\b(I|me|my|we|We|us|our|Our)\b")


def test_the_demo_narrative_puts_no_words_in_anyones_mouth():
    load()
    texts = []
    for assessment in Assessment.objects.filter(force__slug="kent", year__slug__in=["2015", "2016"]):
        texts += [text for _, _, text in assessment.narrative()]
    judgments = PillarJudgment.objects.filter(assessment__force__slug="kent")
    texts += [text for pair in judgments.values_list("summary", "body") for text in pair]
    texts += QuestionJudgment.objects.filter(pillar_judgment__in=judgments).values_list("summary", flat=True)
    texts += Report.objects.values_list("summary", flat=True)
    assert len([text for text in texts if text]) == 22
    assert [FIRST_PERSON.findall(text) for text in texts if FIRST_PERSON.search(text)] == []
    kent_2016 = Assessment.objects.get(force__slug="kent", year__slug="2016")
    assert kent_2016.observations.startswith("Kent Police is performing very well overall.")
