"""Each endpoint makes a fixed number of queries whatever the size of the data."""

import pytest

from tests.factories import make_world

pytestmark = pytest.mark.django_db

# Each endpoint's address in a world from make_world (filled in with its newest year and its first force's region),
# and the queries it makes: a page of results and its count, one for each prefetched relation, one to check each
# slug a filter names, and the year table's five or six (as its page makes, less the region list and the banner).
QUERIES = {
    "/api/v1/regions/": 3,
    "/api/v1/regions/{region}/": 2,
    "/api/v1/forces/": 2,
    "/api/v1/forces/?q=world&region={region}&page_size=5": 3,
    "/api/v1/forces/world-0/": 1,
    "/api/v1/years/": 4,
    "/api/v1/years/{year}/": 3,
    "/api/v1/years/{year}/table/": 5,
    "/api/v1/years/{year}/table/?level=question&region={region}&sort=efficiency-q1&grade=good": 7,
    "/api/v1/assessments/": 3,
    "/api/v1/assessments/?year={year}&region={region}&force=world-0": 6,
    "/api/v1/assessments/world-0/{year}/": 3,
    # Where each judgment's rows fall (its grade, its questions' grades), then the page's judgments and theirs.
    "/api/v1/judgments/": 4,
    "/api/v1/judgments/?level=pillar": 2,
    "/api/v1/judgments/?year={year}&force=world-0&region={region}&pillar=legitimacy&grade=good&page=1": 8,
}


@pytest.mark.parametrize("scale", [1, 10])
@pytest.mark.parametrize(("url", "queries"), QUERIES.items())
def test_an_endpoint_makes_a_fixed_number_of_queries(client, uncached, django_assert_num_queries, scale, url, queries):
    forces, years = make_world(forces=4 * scale, years=2 * scale)
    url = url.format(year=years[-1].slug, region=forces[0].region.slug)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200, response.content
