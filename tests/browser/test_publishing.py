"""Publishing in a real Chromium against the production-like server: an editor writes a new inspection year and
sends it for review; a publisher puts it in a release, approves it and schedules the release; the year stays off
the public site until the release's time, then appears with nothing run by hand."""

import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.browser.conftest import STAFF_PASSWORD

pytestmark = pytest.mark.browser

UK = ZoneInfo("Europe/London")
RELEASE_AFTER_SECONDS = 20


def sign_in(page, server_url, username):
    page.goto(f"{server_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", STAFF_PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")
    assert "/admin/login/" not in page.url, f"{username} could not sign in"


def public_status(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own test server
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def follow(page, name, *, role="link"):
    with page.expect_navigation():
        page.get_by_role(role, name=name, exact=True).click()


def messages_on(page):
    return " ".join(page.locator("ul.messagelist").all_inner_texts())


def test_an_editors_draft_goes_through_review_into_a_scheduled_release(new_page, server_url):
    public_url = f"{server_url}/peel/2031/"

    # The editor writes a draft year and sends it for review.
    edna = new_page()
    sign_in(edna, server_url, "edna")
    edna.goto(f"{server_url}/admin/inspections/inspectionyear/add/")
    edna.fill("#id_title", "PEEL 2031")
    edna.fill("#id_label", "2031")  # the admin fills the slug from it
    edna.fill("#id_first_year", "2031")
    edna.select_option("#id_scale", "five-point")
    with edna.expect_navigation():
        edna.click("input[name=_continue]")
    year_url = edna.url
    assert "State: Draft" in edna.content() or "Draft" in edna.locator(".publishing-state").inner_text()
    assert edna.get_by_role("link", name="Approve", exact=True).count() == 0
    follow(edna, "Send for review")
    follow(edna, "Send for review", role="button")
    assert "Sent for review: PEEL 2031" in messages_on(edna)
    assert edna.get_by_role("link", name="Approve", exact=True).count() == 0  # not an editor's to approve
    assert public_status(public_url) == 404

    # The publisher gathers it into a release.
    pat = new_page()
    sign_in(pat, server_url, "pat")
    pat.goto(f"{server_url}/admin/peel/release/add/")
    pat.fill("#id_title", "PEEL 2031, first results")
    with pat.expect_navigation():
        pat.click("input[name=_continue]")
    release_url = pat.url
    pat.goto(f"{server_url}/admin/inspections/inspectionyear/?q=2031")
    pat.locator("input[name=_selected_action]").check()
    pat.select_option("select[name=action]", "add_to_release")
    follow(pat, "Run", role="button")
    pat.select_option("#id_release", label="PEEL 2031, first results")
    follow(pat, "Add to a release", role="button")
    assert "Added to the release: PEEL 2031" in messages_on(pat)

    # ... approves it: in a release, it waits for the release whatever the form says ...
    pat.goto(year_url)
    follow(pat, "Approve")
    follow(pat, "Approve", role="button")
    assert "Approved: PEEL 2031" in messages_on(pat)
    assert "held until its release is ready" in pat.locator(".publishing-state").inner_text()
    assert public_status(public_url) == 404

    # ... and schedules the release a few seconds ahead.
    pat.goto(release_url)
    follow(pat, "Schedule")
    moment = datetime.now(UK) + timedelta(seconds=RELEASE_AFTER_SECONDS)
    pat.fill("#id_at", moment.strftime("%Y-%m-%dT%H:%M:%S"))
    follow(pat, "Schedule", role="button")
    assert "every item is approved, so all of them go out at that time" in messages_on(pat)
    assert public_status(public_url) == 404  # not before its time

    deadline = time.monotonic() + RELEASE_AFTER_SECONDS + 30
    while public_status(public_url) != 200:
        assert time.monotonic() < deadline, "the release did not go out at its time"
        time.sleep(1)
    assert datetime.now(UK) >= moment - timedelta(seconds=1), "it went out before its time"
    reader = new_page()
    reader.goto(public_url)
    assert reader.locator("h1").inner_text().startswith("PEEL 2031")

    # The audit log records each step.
    pat.goto(f"{server_url}/admin/peel/auditentry/")
    log = pat.locator("#result_list").inner_text()
    for action in ["Sent for review", "Approved", "Release scheduled"]:
        assert action in log
