"""Every consultation page is valid HTML, checked by the Nu Html Checker as the other public pages are."""

import json
import subprocess

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from consultations.models import Consultation
from tests.consultations.factories import DAY
from tests.consultations.helpers import check, good_answers, hidden_value, send_checked
from tests.peel.test_valid_html import VNU, checker

pytestmark = pytest.mark.django_db


def pages(client):
    """(name, HTML) for each kind of consultation page, built from the demo consultations."""
    call_command("load_consultations", stdout=open("/dev/null", "w"))  # noqa: SIM115
    demo = Consultation.objects.get(slug="how-should-this-site-show-peel-grades")
    programme = Consultation.objects.get(slug="policing-inspection-programme-2025-29")
    yield "list", client.get("/consultations/")
    yield "open", client.get(demo.get_absolute_url())
    yield "outcome", client.get(programme.get_absolute_url())
    yield "form", client.get(demo.get_respond_url())
    yield "errors", check(client, demo, {"website": "spam"})
    checked = check(
        client, demo, good_answers(demo, **{q.field_name: None for q in demo.questions.filter(kind="short-text")})
    )
    yield "check", checked
    yield "change", client.post(demo.get_respond_url(), {"answers": hidden_value(checked, "answers"), "change": "x"})
    sent = send_checked(client, demo, hidden_value(checked, "answers"))
    yield "sent", client.get(sent["Location"])
    yield "start-again", send_checked(client, demo, "tampered")
    yield "closed", client.get(programme.get_respond_url())
    Consultation.objects.filter(pk=demo.pk).update(opens_at=timezone.now() + DAY)
    yield "upcoming", client.get(demo.get_respond_url())


def test_every_consultation_page_is_valid_html(tmp_path):
    java = checker()
    files = []
    for name, response in pages(Client()):
        assert response.status_code in (200, 400, 403), name
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(str(path))
    result = subprocess.run(  # noqa: S603
        [java, "-jar", str(VNU), "--format", "json", "--exit-zero-always", *files],
        capture_output=True,
        text=True,
        check=True,
    )
    problems = [
        f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']} [{m.get('extract', '').strip()}]"
        for m in json.loads(result.stderr)["messages"]
        if m["type"] == "error" or m.get("subType") == "warning"
    ]
    assert not problems, "\n".join(problems)
