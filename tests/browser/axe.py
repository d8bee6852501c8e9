"""axe-core in a Playwright page: run the WCAG 2.0, 2.1 and 2.2 A and AA rules and report what fails."""

from functools import cache
from pathlib import Path

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Only the parts of axe's results a failure message needs, so little crosses from the browser.
_RUN = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target, failureSummary: n.failureSummary, html: n.html})),
  }));
}"""


@cache
def axe_source():
    if not AXE_SCRIPT.is_file():
        raise FileNotFoundError(f"{AXE_SCRIPT} is missing: install the npm packages with `make setup` (npm ci).")
    return AXE_SCRIPT.read_text(encoding="utf-8")


def axe_violations(page):
    """The page's WCAG A and AA violations, as a list of dicts (id, impact, help, helpUrl, nodes)."""
    # Evaluated through the DevTools protocol rather than added as an inline <script>, so the site's
    # Content-Security-Policy (scripts from its own origin only) neither blocks axe nor needs loosening.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    return page.evaluate(_RUN, WCAG_TAGS)


def format_violations(violations, where=""):
    lines = [f"{len(violations)} axe violation(s){f' on {where}' if where else ''}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}")
            lines.append(f"       {node['html'][:200]}")
            for summary_line in (node["failureSummary"] or "").splitlines():
                lines.append(f"       {summary_line}")
    return "\n".join(lines)


def assert_no_axe_violations(page):
    """Fail with every violation's rule id, impact and help, and each element's selector and fix summary."""
    violations = axe_violations(page)
    if violations:
        raise AssertionError(format_violations(violations, where=page.url))
