"""Every kind of bad data file stops the load with ``file:line: reason`` and leaves the database as it was.

Each case copies the real data, spoils one file in one way and returns the message the load must end with.
The database starts from a full load with an editor's changes that the spoilt load would undo if it got far
enough, so a load that saved anything before failing would show in the comparison.
"""

import shutil

import pytest
from django.apps import apps
from django.core.management import CommandError

from forces.models import Force, Region
from inspections.models import PillarJudgment
from tests.inspections.test_loading import copy_data, load

pytestmark = pytest.mark.django_db

SLUG_MESSAGE = "Enter a valid “slug” consisting of letters, numbers, underscores or hyphens"
URL_MESSAGE = "only http:// and https:// addresses with a host are accepted"
FOUR_POINT = "outstanding|good|requires improvement|inadequate"
TRUNCATED = "the file does not end with a new line, so its last row may be cut short"


def replace_line(path, start, new):
    """Replace the first line that starts with ``start``; returns its line number."""
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(n for n, text in enumerate(lines, 1) if text.startswith(start))
    lines[number - 1] = new
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return number


def add_line(path, new):
    """Add a row at the end; returns its line number."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text + new + "\n", encoding="utf-8")
    return text.count("\n") + 1


def edit(path, old, new):
    """Replace the first ``old`` in a file, which must hold it."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path, start):
    return next(n for n, text in enumerate(path.open(encoding="utf-8"), 1) if text.startswith(start))


# Invalid values, found by the checks the admin runs.


def force_slug_with_a_space(data):
    line = replace_line(data / "forces.csv", "Kent Police,", "Kent County Police,kent police,South East,England,,,")
    return f"forces.csv:{line}: slug: {SLUG_MESSAGE}"


def year_slug_with_a_space(data):
    line = add_line(data / "peel_years.csv", f"2030 draft,PEEL 2030,{FOUR_POINT},2031-03-01,")
    return f"peel_years.csv:{line}: slug: {SLUG_MESSAGE}"


def force_name_too_long(data):
    line = replace_line(data / "forces.csv", "Kent Police,", f"{'K' * 121},kent,South East,England,,,")
    return f"forces.csv:{line}: name: Ensure this value has at most 120 characters (it has 121)"


def question_text_too_long(data):
    line = replace_line(data / "peel_questions.csv", "2016,efficiency,1,", f"2016,efficiency,1,{'Q' * 301},yes")
    return f"peel_questions.csv:{line}: text: Ensure this value has at most 300 characters (it has 301)"


def two_years_starting_in_the_same_year(data):
    line = add_line(data / "peel_years.csv", f"2016-17,PEEL 2016/17,{FOUR_POINT},2017-03-01,")
    return f"peel_years.csv:{line}: first_year: Inspection year with this First year already exists"


def a_question_number_too_big(data):
    line = replace_line(data / "peel_questions.csv", "2016,efficiency,1,", "2016,efficiency,40000,Why?,yes")
    return f"peel_questions.csv:{line}: question number must be 32767 or less, not 40000"


def a_repeated_force_name(data):
    line = add_line(data / "forces.csv", "Kent Police,kent-county,South East,England,,,")
    return f"forces.csv:{line}: force name 'Kent Police' repeats line {line_of(data / 'forces.csv', 'Kent Police,')}"


def not_graded_on_a_question(data):
    line = replace_line(data / "peel_judgments.csv", "2016,kent,efficiency,1,", "2016,kent,efficiency,1,not graded,")
    return f"peel_judgments.csv:{line}: grade: only a pillar's row can say 'not graded'"


# Numbers.


def nan_in_a_csv_number(data):
    line = replace_line(data / "forces.csv", "Kent Police,", "Kent Police,kent,South East,England,NaN,1870000,Medway")
    return f"forces.csv:{line}: area_sq_miles: must be a number, not 'NaN'"


def infinity_in_a_csv_number(data):
    line = replace_line(data / "forces.csv", "Kent Police,", "Kent Police,kent,South East,England,1444,-Infinity,")
    return f"forces.csv:{line}: population: must be a number, not '-Infinity'"


def infinity_in_a_toml_number(data):
    edit(data / "demo/kent.toml", "value = 1444", "value = inf")
    return "demo/kent.toml:key_facts[1]: value: must be a number, not inf"


def nan_in_a_toml_number(data):
    edit(data / "demo/kent.toml", "national_value = 92", "national_value = nan")
    return "demo/kent.toml:key_facts[4]: national_value: must be a number, not nan"


# The shape of a file.


def bytes_that_are_not_utf8_in_a_csv(data):
    path = data / "forces.csv"
    line = line_of(path, "Kent Police,")
    path.write_bytes(path.read_bytes().replace(b"Kent Police,", b"K\xe9nt Police,", 1))
    return f"forces.csv:{line}: the file is not UTF-8 text (byte 0xE9 cannot be read)"


def bytes_that_are_not_utf8_in_toml(data):
    path = data / "demo/kent.toml"
    line = line_of(path, 'name = "Zo')
    path.write_bytes(path.read_bytes().replace("Zoë".encode(), "Zoë".encode("latin-1"), 1))
    return f"demo/kent.toml:{line}: the file is not UTF-8 text (byte 0xEB cannot be read)"


def a_csv_cut_short(data):
    path = data / "peel_judgments.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:-20], encoding="utf-8")
    return f"peel_judgments.csv:1084: {TRUNCATED}"


def a_row_with_an_extra_field(data):
    line = replace_line(
        data / "peel_judgments.csv", "2016,kent,legitimacy,,", "2016,kent,legitimacy,,good,https://a.b/,x"
    )
    return f"peel_judgments.csv:{line}: this row has 7 fields where the header has 6"


def a_row_with_a_field_missing(data):
    line = replace_line(data / "peel_judgments.csv", "2016,kent,legitimacy,,", "2016,kent,legitimacy,,good")
    return f"peel_judgments.csv:{line}: this row has 5 fields where the header has 6"


def a_repeated_column(data):
    edit(data / "peel_years.csv", "year_slug,title,", "year_slug,title,title,")
    return "peel_years.csv:1: the column 'title' appears twice"


def a_quote_left_open(data):
    line = replace_line(data / "forces.csv", "Kent Police,", 'Kent Police,kent,"South East,England,,,')
    return f"forces.csv:{line}: a quoted field starts on this row and is never closed"


def an_empty_file(data):
    (data / "peel_questions.csv").write_text("", encoding="utf-8")
    return "peel_questions.csv:1: the file is empty"


def a_folder_where_a_csv_belongs(data):
    (data / "forces.csv").unlink()
    (data / "forces.csv").mkdir()
    return "forces.csv:0: this is a folder, not a file"


def a_folder_where_a_toml_file_belongs(data):
    (data / "demo/more.toml").mkdir()
    return "demo/more.toml:0: this is a folder, not a file"


def a_missing_file(data):
    (data / "peel_years.csv").unlink()
    return "peel_years.csv:0: file not found"


def a_data_folder_that_is_a_file(data):
    shutil.rmtree(data)
    data.write_text("name,slug\n", encoding="utf-8")
    return f"{data}:0: this is not a folder"


# TOML structure.


def a_toml_table_where_a_list_of_tables_belongs(data):
    edit(data / "demo/kent.toml", "[[inspectors]]", "[inspectors]")
    return "demo/kent.toml:inspectors: must be a list of tables, written [[inspectors]], not a table"


def a_toml_string_where_a_table_belongs(data):
    inspector = '[[inspectors]]\nname = "Zoë Billingham"\ntitle = "HM Inspector of Constabulary"\n'
    edit(data / "demo/kent.toml", inspector, 'inspectors = ["Zoë Billingham"]\n')
    return "demo/kent.toml:inspectors[1]: must be a table, not a string"


def a_toml_key_missing(data):
    edit(data / "demo/kent.toml", '[[assessments]]\nforce = "kent"\n', "[[assessments]]\n")
    return "demo/kent.toml:assessments[1]: missing required key 'force'"


def a_nested_toml_key_missing(data):
    edit(data / "demo/kent.toml", 'pillar = "legitimacy"\n', "")
    return "demo/kent.toml:assessments[1].pillars[3]: missing required key 'pillar'"


def a_toml_value_of_the_wrong_type(data):
    edit(data / "demo/kent.toml", "number = 2", 'number = "two"')
    return "demo/kent.toml:assessments[1].pillars[2].questions[2]: number: must be a whole number, not a string"


def a_toml_key_misspelt(data):
    edit(data / "demo/kent.toml", 'period = "2019/20"', 'periode = "2019/20"')
    return "demo/kent.toml:key_facts[1]: unknown key 'periode'"


def a_toml_table_misspelt(data):
    edit(data / "demo/kent.toml", "[[reports]]", "[[report]]")
    return (
        "demo/kent.toml:report: unknown table; a demo file holds inspectors, assessments, reports, key_facts, "
        "context_points and plan_priorities"
    )


def a_toml_syntax_error(data):
    edit(data / "demo/kent.toml", 'title = "HM Inspector of Constabulary"', "title = HM Inspector")
    return "demo/kent.toml:5: Invalid value (column 9)"


# Web addresses and control characters.


def a_javascript_address(data):
    row = "2016,kent,legitimacy,,outstanding,javascript:alert(1)"
    line = replace_line(data / "peel_judgments.csv", "2016,kent,legitimacy,,", row)
    return f"peel_judgments.csv:{line}: source_url: {URL_MESSAGE}, not 'javascript:alert(1)'"


def a_data_address(data):
    row = '2016,kent,efficiency,1,outstanding,"data:text/html,<script>x</script>"'
    line = replace_line(data / "peel_judgments.csv", "2016,kent,efficiency,1,", row)
    return f"peel_judgments.csv:{line}: source_url: {URL_MESSAGE}, not 'data:text/html,<script>x</script>'"


def an_ftp_address(data):
    row = "2016,kent,efficiency,1,outstanding,ftp://example.org/x"
    line = replace_line(data / "peel_judgments.csv", "2016,kent,efficiency,1,", row)
    return f"peel_judgments.csv:{line}: source_url: {URL_MESSAGE}, not 'ftp://example.org/x'"


def an_address_without_a_host(data):
    row = "2016,kent,efficiency,1,outstanding,https:///x"
    line = replace_line(data / "peel_judgments.csv", "2016,kent,efficiency,1,", row)
    return f"peel_judgments.csv:{line}: source_url: {URL_MESSAGE}, not 'https:///x'"


def a_data_address_for_a_report(data):
    edit(
        data / "demo/kent.toml",
        'kind = "inspection"',
        'kind = "inspection"\nurl = "data:text/html;base64,PHNjcmlwdD4="',
    )
    return f"demo/kent.toml:reports[1]: url: {URL_MESSAGE}, not 'data:text/html;base64,PHNjcmlwdD4='"


def a_javascript_address_for_an_inspector(data):
    edit(
        data / "demo/kent.toml",
        'name = "Zoë Billingham"',
        'name = "Zoë Billingham"\ncontact_url = "JavaScript:alert(1)"',
    )
    return f"demo/kent.toml:inspectors[1]: contact_url: {URL_MESSAGE}, not 'JavaScript:alert(1)'"


def a_nul_byte_in_a_csv(data):
    line = replace_line(data / "forces.csv", "Kent Police,", "Kent\x00Police,kent,South East,England,,,")
    return f"forces.csv:{line}: name: contains the control character U+0000, which is not allowed"


def a_control_character_in_toml_text(data):
    edit(
        data / "demo/kent.toml", "Kent Police is performing very well", "Kent Police is \\u001b[2Jperforming very well"
    )
    return "demo/kent.toml:assessments[1]: observations: contains the control character U+001B, which is not allowed"


CASES = [
    force_slug_with_a_space,
    year_slug_with_a_space,
    force_name_too_long,
    question_text_too_long,
    two_years_starting_in_the_same_year,
    a_question_number_too_big,
    a_repeated_force_name,
    not_graded_on_a_question,
    nan_in_a_csv_number,
    infinity_in_a_csv_number,
    infinity_in_a_toml_number,
    nan_in_a_toml_number,
    bytes_that_are_not_utf8_in_a_csv,
    bytes_that_are_not_utf8_in_toml,
    a_csv_cut_short,
    a_row_with_an_extra_field,
    a_row_with_a_field_missing,
    a_repeated_column,
    a_quote_left_open,
    an_empty_file,
    a_folder_where_a_csv_belongs,
    a_folder_where_a_toml_file_belongs,
    a_missing_file,
    a_data_folder_that_is_a_file,
    a_toml_table_where_a_list_of_tables_belongs,
    a_toml_string_where_a_table_belongs,
    a_toml_key_missing,
    a_nested_toml_key_missing,
    a_toml_value_of_the_wrong_type,
    a_toml_key_misspelt,
    a_toml_table_misspelt,
    a_toml_syntax_error,
    a_javascript_address,
    a_data_address,
    an_ftp_address,
    an_address_without_a_host,
    a_data_address_for_a_report,
    a_javascript_address_for_an_inspector,
    a_nul_byte_in_a_csv,
    a_control_character_in_toml_text,
]


def database():
    """Every table's row count with its first and last rows, to show that a failed load changed nothing."""
    state = {}
    for model in apps.get_models():
        rows = model.objects.order_by("pk")
        state[model._meta.label] = (rows.count(), list(rows.values()[:1]), list(rows.reverse().values()[:1]))
    return state


@pytest.fixture
def edited(peel_data):
    """The real data, loaded, with edits that a reload would undo: a changed force name and a changed grade."""
    Force.objects.filter(slug="hampshire").update(name="Hampshire Constabulary")
    PillarJudgment.objects.filter(
        assessment__force__slug="kent", assessment__year__slug="2016", pillar__slug="legitimacy"
    ).update(grade="good")
    return database()


@pytest.mark.parametrize("spoil", CASES, ids=lambda case: case.__name__)
def test_a_bad_file_stops_the_load_with_file_line_and_reason_and_changes_nothing(tmp_path, edited, spoil):
    data = copy_data(tmp_path)
    expected = spoil(data)

    with pytest.raises(CommandError) as error:
        load("--data-dir", str(data))

    assert str(error.value) == f"{expected}. Nothing was loaded."
    assert database() == edited
    assert Force.objects.get(slug="hampshire").name == "Hampshire Constabulary"


def test_a_force_name_already_taken_in_the_database_is_refused(tmp_path, edited):
    Force.objects.create(
        name="Kent County Police", short_name="Kent County", slug="kent-county", region=Region.objects.first()
    )
    before = database()
    data = copy_data(tmp_path)
    line = add_line(data / "forces.csv", "Kent County Police,kent-2,South East,England,,,")

    with pytest.raises(CommandError) as error:
        load("--data-dir", str(data))

    assert str(error.value) == f"forces.csv:{line}: name: Force with this Name already exists. Nothing was loaded."
    assert database() == before


def test_a_bad_file_in_an_empty_database_leaves_every_table_as_it_was(tmp_path):
    data = copy_data(tmp_path)
    expected = a_javascript_address_for_an_inspector(data)
    before = database()

    with pytest.raises(CommandError) as error:
        load("--data-dir", str(data))

    assert str(error.value) == f"{expected}. Nothing was loaded."
    assert database() == before
    assert Force.objects.count() == 0
