from peel.markdown import render_markdown


def test_markdown_becomes_styled_html():
    html = render_markdown("Kent is **good**.\n\n- one\n- two")
    assert '<p class="govuk-body">Kent is <strong>good</strong>.</p>' in html
    assert '<ul class="govuk-list govuk-list--bullet">' in html


def test_scripts_styles_and_event_handlers_are_removed():
    html = render_markdown('<script>alert(1)</script><style>p{}</style><img src=x onerror="alert(1)">Text')
    assert "<script" not in html
    assert "<style" not in html
    assert "onerror" not in html
    assert "<img" not in html
    assert "Text" in html


def test_only_web_and_mail_links_survive():
    html = render_markdown("[bad](javascript:alert(1)) [good](https://example.org/) [mail](mailto:a@example.org)")
    assert "javascript:" not in html
    assert 'href="https://example.org/"' in html
    assert 'href="mailto:a@example.org"' in html
    assert 'rel="noopener noreferrer"' in html


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""
