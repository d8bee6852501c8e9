"""Two-factor sign-in as staff meet it on a server: set up an authenticator app on the first sign-in, then give
its code every time. A second gunicorn, with DJANGO_REQUIRE_2FA on, shares the browser suite's database."""

import base64
import re
import subprocess
import sys

import pytest
from django_otp.oath import TOTP

from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import REPO, STAFF_PASSWORD
from tests.servers import start_gunicorn, stop

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def two_factor_url(browser_server):
    env = {**browser_server.env, "DJANGO_REQUIRE_2FA": "true", "PEEL_STAFF_PASSWORD": STAFF_PASSWORD}
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "add_staff", "tess", "--role", "editor"],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
    )
    process, url = start_gunicorn(env, browser_server.root / "gunicorn-two-factor.log", workers=1)
    assert process, "no free port for the two-factor server"
    yield url
    stop(process)


def code(key, steps_ahead=0):
    totp = TOTP(base64.b32decode(key.replace(" ", "")))
    totp.time += steps_ahead * totp.step
    return f"{totp.token():06d}"


def submit(page):
    with page.expect_navigation():
        page.click("input[type=submit]")


def test_staff_set_up_an_app_at_their_first_sign_in_and_give_its_code_after(new_page, two_factor_url):
    page = new_page()
    page.goto(f"{two_factor_url}/admin/login/")
    assert_no_axe_violations(page)
    page.fill("#id_username", "tess")
    page.fill("#id_password", STAFF_PASSWORD)
    submit(page)

    assert page.url.endswith("/admin/two-factor/")
    assert page.get_by_role("img", name="QR code holding your PEEL sign-in key").is_visible()
    assert_no_axe_violations(page)
    key = page.locator("#totp-key").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{1,4})+", key)
    page.goto(f"{two_factor_url}/admin/")  # nothing else is reachable yet
    assert page.url.endswith("/admin/two-factor/")

    page.fill("#id_code", code(key))
    submit(page)
    assert page.url.endswith("/admin/")
    assert "Two-factor sign-in is set up" in page.inner_text("body")

    page.get_by_role("button", name="Log out").click()
    page.goto(f"{two_factor_url}/admin/login/")
    page.fill("#id_username", "tess")
    page.fill("#id_password", STAFF_PASSWORD)
    submit(page)
    assert "Enter the 6-digit code your authenticator app shows" in page.inner_text("body")
    assert_no_axe_violations(page)

    page.fill("#id_password", STAFF_PASSWORD)
    page.fill("#id_otp_token", code(key, steps_ahead=1))  # a code not used yet: the set-up used this step's
    submit(page)
    assert page.url.endswith("/admin/")
