"""The filter behind every list of forces (forces/filters.py): each request's filter has filters of its own."""

import pytest
from django.http import QueryDict

from forces.filters import ForceFilter
from forces.models import Force
from tests.factories import make_force

pytestmark = pytest.mark.django_db


def names(filterset):
    filterset.form.is_valid()
    return [force.short_name for force in filterset.qs.order_by("short_name")]


def test_two_filters_made_one_after_the_other_each_search_with_their_own_words():
    make_force(name="Kent Police", short_name="Kent", slug="kent")
    make_force(name="Essex Police", short_name="Essex", slug="essex")
    kent = ForceFilter(QueryDict("q=kent"), Force.objects.all())
    essex = ForceFilter(QueryDict("q=essex"), Force.objects.all())
    assert names(essex) == ["Essex"]
    assert names(kent) == ["Kent"]


def test_each_filter_has_copies_of_its_own_and_its_class_keeps_none_of_their_changes():
    one, two = ForceFilter(QueryDict()), ForceFilter(QueryDict())
    for name in ("q", "region"):
        assert one.filters[name] is not two.filters[name]
        assert one.filters[name].parent is one and two.filters[name].parent is two
        assert not hasattr(ForceFilter.base_filters[name], "parent")
