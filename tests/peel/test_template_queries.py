"""Templates only lay out what the view has read: no page asks the database while a template renders.

Every query a page makes is made by its view (or the context processors, before rendering starts), where the
query count tests see it and where it can be planned. A query from a template would be a lazy queryset or a
relation read in a loop: the kind that grows with the data.
"""

import os
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.template.base import Template

from consultations.models import Consultation

PAGES = [
    "/",
    "/forces/",
    "/forces/?q=kent",
    "/forces/kent/",
    "/forces/kent/2016/",
    "/forces/kent/2015/efficiency/",
    "/forces/merseyside/2023-25/",
    "/peel/",
    "/peel/about-grades/",
    "/peel/2017/",
    "/peel/2017/?level=question&group=region&sort=efficiency-q1",
    "/peel/2023-25/",
    "/compare/",
    "/compare/?force=kent&force=essex&force=surrey&force=sussex&force=merseyside&force=cumbria",
    "/data/",
    "/consultations/",
    "/accessibility/",
    "/privacy/",
    "/cookies/",
    "/contact/",
]


class QueryInTemplate(AssertionError):
    pass


@contextmanager
def no_queries_while_rendering():
    original = Template._render

    def refuse(execute, sql, params, many, context):
        raise QueryInTemplate(f"A template asked the database: {sql[:300]}")

    def render(self, context):
        with connection.execute_wrapper(refuse):
            return original(self, context)

    with mock.patch.object(Template, "_render", render):
        yield


@pytest.fixture
def site(peel_data, uncached):
    with open(os.devnull, "w") as quiet:
        call_command("load_consultations", stdout=quiet)


@pytest.mark.parametrize("path", PAGES)
def test_no_page_asks_the_database_while_its_template_renders(client, site, path):
    with no_queries_while_rendering():
        response = client.get(path)
    assert response.status_code == 200


def test_nor_do_the_consultation_pages(client, site):
    consultation = Consultation.objects.published().first()
    with no_queries_while_rendering():
        for path in (consultation.get_absolute_url(), consultation.get_respond_url()):
            assert client.get(path).status_code == 200


def test_the_guard_catches_a_query_in_a_template(client, site):
    from django.template import engines

    template = engines["django"].from_string("{% for c in consultations %}{{ c.title }}{% endfor %}")
    with no_queries_while_rendering(), pytest.raises(QueryInTemplate):
        template.render({"consultations": Consultation.objects.all()})
