"""The worst payloads of tests/security/corpus.py, written where staff and the public write, run nowhere.

A publisher writes them into published content through the admin, as staff would: an assessment's and its
pillar judgments' Markdown (a proposed change, then approved), and a force's names, plain text shown on its pages,
in every table of forces and on the compare page. A member of the public puts them into a consultation response.
Then each page that shows them, public and staff, is opened in Chromium twice: as served, where the site's content
security policy must report no violation (an injected inline script or handler would be reported as one); and
with that policy switched off, where no payload may run: no dialog opens and ``window.__pwned`` stays unset.

Everything is written for North Wales Police and its 2016 assessment, whose pages no other browser test opens,
and the names and words are put back afterwards, so the tests after these see the data as loaded.
"""

from dataclasses import dataclass
from functools import partial

import pytest

from tests.browser.conftest import DESKTOP
from tests.browser.test_publishing import follow, sign_in
from tests.security.corpus import BY_NAME, PWN, WORST

pytestmark = pytest.mark.browser

FORCE, FORCE_NAME, YEAR = "north-wales", "North Wales Police", "2016"
ASSESSMENT = f"North Wales {YEAR}"

# Where each of the worst payloads goes.
SCRIPT, IMAGE, SVG = BY_NAME["script-tag"].text, BY_NAME["img-onerror"].text, BY_NAME["svg-onload"].text
LINK, BREAKOUT = BY_NAME["markdown-link-javascript"].text, BY_NAME["attribute-breakout"].text

# Records every content security policy violation on a page, from before any of its own scripts run.
WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@dataclass
class Watched:
    page: object
    dialogs: list
    console: list


def watched(browser, *, bypass_csp=False, storage_state=None):
    """A page in a fresh context, recording dialogs (dismissed), console errors and policy violations."""
    context = browser.new_context(viewport=DESKTOP, bypass_csp=bypass_csp, storage_state=storage_state)
    context.set_default_timeout(15_000)
    context.add_init_script(WATCH)
    page = context.new_page()
    found = Watched(page, [], [])

    def on_dialog(dialog):
        found.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("console", lambda message: message.type == "error" and found.console.append(message.text))
    page.on("pageerror", lambda error: found.console.append(f"uncaught: {error}"))
    return found


def ran(watch, url=None):
    """What ran on the page, in words: after opening ``url`` (when given) and letting it settle, so that images
    fail and SVGs load."""
    if url is not None:
        response = watch.page.goto(url)
        assert response is not None and response.status == 200, f"{url} answered {response and response.status}"
        watch.page.wait_for_load_state("networkidle")
    watch.page.wait_for_timeout(300)
    found = [f"dialog {message}" for message in watch.dialogs]
    return [*found, "window.__pwned was set"] if watch.page.evaluate("window.__pwned") else found


def violations(watch):
    csp_errors = [line for line in watch.console if "Content Security Policy" in line]
    return watch.page.evaluate("window.__violations") + csp_errors


# -- Writing the payloads, and putting things back ----------------------------------------------------------------


def change_form(page, server_url, model, link_text):
    """Open the change form of the object ``link_text`` names, found through the model's change list."""
    page.goto(f"{server_url}/admin/{model}/?q={link_text.split()[0]}+{link_text.split()[1]}")
    with page.expect_navigation():
        page.get_by_role("link", name=link_text, exact=True).first.click()
    return page.url


def save(page, button="_continue"):
    with page.expect_navigation():
        page.click(f"input[name={button}]")
    errors = page.locator(".errorlist").all_inner_texts()
    assert not errors and "Please correct" not in page.content(), f"the admin refused the save: {errors}"


def approve_own_change(page):
    """Approve the proposed change waiting on this change form, giving a reason for approving one's own."""
    follow(page, "Approve the proposed change")
    page.fill("#id_force_reason", "Security test of hostile input: no other publisher on the test server.")
    with page.expect_navigation():
        page.click("input[type=submit]")
    assert "Change approved and public" in page.locator("ul.messagelist").inner_text()


# The force's names, shown on its pages, in every table of forces and on the compare page.
PLAIN = {"id_name": f"{FORCE_NAME} {IMAGE}", "id_short_name": f"North Wales {BREAKOUT}"}
MARKDOWN = {  # each of the assessment's pillar judgments gets the summary
    "observations": f"Observations.\n\n{LINK}\n\n{IMAGE}",
    "looking_ahead": f"Looking ahead.\n\n{SCRIPT}\n\n{BREAKOUT}",
    "summary": f"Summary.\n\n{SVG}\n\n[data](data:text/html,<script>{PWN}</script>)",
}


def markdown_fields(page):
    """The ids of the assessment form's Markdown fields written here, with their pillar judgments' summaries."""
    judgments = int(page.input_value("#id_pillar_judgments-TOTAL_FORMS"))
    return {
        "id_observations": MARKDOWN["observations"],
        "id_looking_ahead": MARKDOWN["looking_ahead"],
        **{f"id_pillar_judgments-{n}-summary": MARKDOWN["summary"] for n in range(judgments)},
    }


@dataclass
class Written:
    force: str  # admin change form addresses
    assessment: str
    response: str


@pytest.fixture(scope="module")
def staff_state(browser, server_url, tmp_path_factory):
    """A publisher's signed-in session, for every staff page here."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    sign_in(page, server_url, "pat")
    state = tmp_path_factory.mktemp("hostile") / "pat.json"
    context.storage_state(path=state)
    context.close()
    return str(state)


@pytest.fixture(scope="module")
def written(browser, server_url, staff_state):
    """The worst payloads written into published content and a consultation response; undone afterwards."""
    context = browser.new_context(viewport=DESKTOP, storage_state=staff_state)
    context.set_default_timeout(15_000)
    page = context.new_page()

    assessment = change_form(page, server_url, "inspections/assessment", ASSESSMENT)
    fields = markdown_fields(page)
    original = {field: page.input_value(f"#{field}") for field in fields}
    write(page, fields)
    approve_own_change(page)

    force = change_form(page, server_url, "forces/force", FORCE_NAME)
    names = {field: page.input_value(f"#{field}") for field in PLAIN}
    write(page, PLAIN, button="_continue")

    response = respond(browser, server_url)
    yield Written(force, assessment, response)

    page.goto(force)
    write(page, names, button="_continue")
    page.goto(assessment)
    write(page, original)
    approve_own_change(page)
    for path in SHOWN:
        assert "__pwned" not in page.goto(server_url + path).text(), f"{path} still shows a payload"
    context.close()


def write(page, values, button="_save"):
    for field, value in values.items():
        page.fill(f"#{field}", value)
    save(page, button)


def respond(browser, server_url):
    """Answer the demonstration consultation with the payloads, checking the pages that show them back; the
    admin address of the response."""
    watch = watched(browser)
    page = watch.page
    form = f"{server_url}/consultations/how-should-this-site-show-peel-grades/respond/"
    assert not ran(watch, form)
    for radios in page.locator(".govuk-radios").all():
        radios.locator("input[type=radio]").first.check()
    page.locator("textarea").fill(f"{SCRIPT}\n{LINK}")
    page.fill("#id_name", BREAKOUT)
    page.fill("#id_organisation", IMAGE)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.locator("h1").inner_text() == "Check your answers before sending your response", page.url
    assert "window.__pwned" in page.locator("main").inner_text()
    with page.expect_navigation():
        page.click("button[data-prevent-double-click]")
    reference = page.locator(".peel-reference").inner_text()
    assert not ran(watch) and not violations(watch), (ran(watch), violations(watch))
    page.context.close()
    return f"{server_url}/admin/consultations/response/?q={reference}"


# -- The checks ---------------------------------------------------------------------------------------------------


def _serve(route, request, *, body, headers):
    route.fulfill(body=body, headers=headers, content_type="text/html")


def test_the_watch_sees_a_payload_run_or_blocked(browser):
    """The checks below are only as good as the watch: without a policy a script payload must be seen to run,
    and under the site's policy it must be seen to be blocked."""
    policy = {"Content-Security-Policy": "script-src 'self'"}
    for bypass_csp in (True, False):
        watch = watched(browser, bypass_csp=bypass_csp)
        page = f"<!doctype html><title>x</title><p>x</p>{IMAGE}"
        watch.page.route("http://hostile.test/", partial(_serve, body=page, headers=policy))
        watch.page.goto("http://hostile.test/")
        if bypass_csp:
            assert ran(watch) == ["dialog alert: 1", "window.__pwned was set"]
        else:
            assert not ran(watch) and violations(watch)
        watch.page.context.close()


# Each public page showing what was written, and text it must show (so the payloads are there).
SHOWN = {
    f"/forces/{FORCE}/": "window.__pwned",
    f"/forces/{FORCE}/{YEAR}/": "Looking ahead.",
    f"/forces/{FORCE}/{YEAR}/effectiveness/": "Summary.",
    "/forces/": "window.__pwned",
    f"/peel/{YEAR}/": "window.__pwned",
    f"/compare/?force={FORCE}&force=south-wales": "window.__pwned",
}


@pytest.mark.parametrize("path", SHOWN)
def test_nothing_written_runs_on_a_public_page(browser, server_url, written, path):
    url = server_url + path
    served = watched(browser)
    assert not ran(served, url), url
    assert SHOWN[path] in served.page.locator("main").inner_text(), f"{url} does not show the payloads"
    assert not violations(served), violations(served)
    served.page.context.close()
    unguarded = watched(browser, bypass_csp=True)
    assert not ran(unguarded, url), f"{url}: a payload ran once the policy was off"
    unguarded.page.context.close()


@pytest.mark.parametrize("where", ["force", "assessment", "response"])
def test_nothing_written_runs_on_a_staff_page(browser, written, staff_state, where):
    url = getattr(written, where)
    for bypass_csp in (False, True):
        watch = watched(browser, bypass_csp=bypass_csp, storage_state=staff_state)
        assert not ran(watch, url), f"{url}: a payload ran (policy {'off' if bypass_csp else 'on'})"
        if where == "response":  # from the search, the response itself
            with watch.page.expect_navigation():
                watch.page.locator("#result_list a").first.click()
            watch.page.wait_for_load_state("networkidle")
            assert "window.__pwned" in watch.page.locator("#content").inner_text()
            assert not ran(watch), watch.page.url
        if not bypass_csp:
            assert not violations(watch), violations(watch)
        watch.page.context.close()


def test_every_worst_payload_was_written(written):
    assert {payload.name for payload in WORST} == {
        "script-tag",
        "img-onerror",
        "svg-onload",
        "markdown-link-javascript",
        "attribute-breakout",
    }
