"""What every answer to hostile input is checked for, wherever the input went in."""

from tests.peel.test_markdown_xss import ActiveContent

from .corpus import TRACES


def active_content(response):
    """Everything active in an HTML answer, read as a browser tokenises it (see tests/peel/test_markdown_xss)."""
    return ActiveContent(response.content.decode("utf-8", "replace")).found


def is_html(response):
    return response.get("Content-Type", "").startswith("text/html")


def problems(response, payload, *, where, baseline=None):
    """What is wrong with ``response`` to a request carrying ``payload``, as lines naming ``where``: a 5xx; a
    header split by a line break or a cookie the payload set; JSON that does not parse; an HTML page showing one
    of the payload's markers as it is, or (for a payload that tries to run script, given the ``baseline`` the
    page's active content is without it) anything active the payload added."""
    found = []
    if response.status_code >= 500:
        found.append(f"{where}: answered {response.status_code}")
    for header, value in response.items():
        if "\r" in value or "\n" in value:
            found.append(f"{where}: header {header} holds a line break")
    if "pwned" in response.cookies:
        found.append(f"{where}: the payload set a cookie")
    content_type = response.get("Content-Type", "")
    if content_type.startswith("application/json") and not getattr(response, "streaming", False):
        try:
            response.json()
        except ValueError:
            found.append(f"{where}: answered JSON that does not parse")
    if is_html(response) and not getattr(response, "streaming", False):
        content = response.content.decode("utf-8", "replace")
        found += [f"{where}: shows {marker!r} unescaped" for marker in payload.markers if marker in content]
        if payload.active and baseline is not None and any(trace in content for trace in TRACES):
            added = active_content(response) - baseline
            if added:
                found.append(f"{where}: the payload added active content {dict(added)}")
    return found
