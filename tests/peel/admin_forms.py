"""Posting an admin form back as a browser would, in tests that drive the admin."""

from html.parser import HTMLParser


def form_data(page):
    """What a browser would post back from a change form as shown."""

    class Fields(HTMLParser):
        def __init__(self):
            super().__init__()
            self.data, self._textarea, self._select = {}, None, None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            name = attrs.get("name")
            if tag == "input" and name and attrs.get("type") not in ("submit", "checkbox", "radio"):
                self.data[name] = attrs.get("value", "")
            elif tag == "input" and name and "checked" in attrs:
                self.data[name] = attrs.get("value", "on")
            elif tag == "textarea" and name:
                self._textarea = name
                self.data[name] = ""
            elif tag == "select" and name:
                self._select = name
                self.data.setdefault(name, "")
            elif tag == "option" and "selected" in attrs and self._select:
                self.data[self._select] = attrs.get("value", "")

        def handle_data(self, text):
            if self._textarea:
                self.data[self._textarea] += text

        def handle_endtag(self, tag):
            if tag == "textarea":
                self._textarea = None
            elif tag == "select":
                self._select = None

    parser = Fields()
    parser.feed(page.content.decode())
    return {name: value for name, value in parser.data.items() if "__prefix__" not in name}
