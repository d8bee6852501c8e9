from decimal import Decimal

from forces.models import KeyFact


def fact(measure, value, national):
    return KeyFact(
        measure=measure, value=Decimal(value), national_value=None if national is None else Decimal(national)
    )


def test_key_fact_bars_share_one_scale_set_by_the_larger_figure():
    bars = fact("frontline-share", 94, 47).bars
    assert bars["local"] == {"x": 0, "width": 100.0}
    assert bars["national"] == {"x": 0, "width": 50.0}
    assert not bars["diverging"]


def test_a_fall_is_drawn_left_of_the_middle_and_a_rise_right_of_it():
    bars = fact("workforce-change", 2, -5).bars
    assert bars["diverging"]
    assert bars["local"] == {"x": 50, "width": 20.0}
    assert bars["national"] == {"x": 0.0, "width": 50.0}


def test_there_are_no_bars_without_a_national_figure():
    assert fact("area", 1444, None).bars is None


def test_figures_read_in_their_own_units():
    assert fact("area", 1444, None).display_value == "1,444 square miles"
    assert fact("cost-per-day", 49, 59).display_national_value == "59p"
    assert fact("workforce-change", -5, 2).display_value == "-5%"
    assert fact("officers-per-1000", "3.56", "3.69").display_value == "3.56"
