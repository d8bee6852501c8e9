"""The page cache on Redis, as several processes share it: each keeps the token and recent pages in its own
memory, and hears of every change through Redis before it serves its next page.

Two ``Nearby`` objects on two connections stand for two processes. Needs Redis (PEEL_TEST_REDIS_URL, which CI's
PostgreSQL pass sets; locally, any Redis you name there).
"""

import os
import time
import uuid

import pytest
from django.test import override_settings

from peel.caching import generation
from peel.caching.nearby import Nearby
from peel.caching.redis import RedisCache

REDIS_URL = os.environ.get("PEEL_TEST_REDIS_URL", "").strip()
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="needs Redis (PEEL_TEST_REDIS_URL=redis://...)")


@pytest.fixture
def shared(settings):
    """The "pages" cache on Redis, under a prefix of this test's own."""
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "peel.caching.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": uuid.uuid4().hex},
    }
    yield generation.cache()
    generation.cache().clear()


def other_process(backend):
    """A second process's view of the same cache: its own connection and its own memory."""
    twin = RedisCache(REDIS_URL, {"KEY_PREFIX": backend.key_prefix})
    return Nearby(twin, generation.state_key(), size=10)


def heard_of_the_change(near, within=2.0):
    """Whether ``near`` stops trusting its token once the change's message has crossed the connection (at once
    on an idle machine; a busy one may take a moment to deliver it)."""
    deadline = time.monotonic() + within
    while near.known_state() is not None:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


@pytest.mark.django_db
def test_a_process_trusts_the_token_it_read_until_another_process_changes_it(shared):
    near = generation.nearby()
    first = generation.state()
    assert near.known_state() == first  # no round trip needed any more
    elsewhere = other_process(shared)
    assert elsewhere.listen()
    generation.invalidate()  # as a publish in another process would
    assert heard_of_the_change(near)
    assert generation.state()["token"] != first["token"]


@pytest.mark.django_db
def test_pages_kept_nearby_are_served_only_under_their_token(shared):
    near = generation.nearby()
    token = generation.current()
    near.keep("page", (token, 200, [], b"kept", 0))
    assert near.page("page", token)[3] == b"kept"
    assert near.page("page", "another token") is None


@pytest.mark.django_db
def test_a_lost_subscription_means_asking_redis_again(shared):
    near = generation.nearby()
    generation.state()
    near.subscription.connection.disconnect()
    assert near.known_state() is None
    assert generation.state()["token"]  # read from Redis, and subscribed again
    assert near.subscription is not None


@pytest.mark.django_db
def test_the_whole_path_on_redis_shows_a_change_on_the_next_request(client, shared):
    from tests.factories import make_force

    force = make_force(name="Kent Police", slug="kent")
    assert client.get("/forces/kent/").status_code == 200
    assert "Kent Police" in client.get("/forces/kent/").content.decode()
    force.name = "Kent and Medway Police"
    force.save()
    assert "Kent and Medway Police" in client.get("/forces/kent/").content.decode()


def test_settings_for_a_test_do_not_leak_a_redis_subscription():
    with override_settings(PEEL_PAGE_CACHE_NEARBY=5):
        assert generation._nearby == {}
