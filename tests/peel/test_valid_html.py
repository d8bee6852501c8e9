"""Every public page type is valid HTML, checked by the Nu Html Checker (vnu.jar from npm, run with Java)."""

import json
import os
import shutil
import subprocess

import pytest
from django.conf import settings

VNU = settings.BASE_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PAGES = {
    "home": "/",
    "forces": "/forces/",
    "forces-error": "/forces/?region=atlantis",
    "force": "/forces/kent/",
    "assessment": "/forces/kent/2016/",
    "not-graded": "/forces/greater-manchester/2017/",
    "pillar": "/forces/kent/2015/efficiency/",
    "years": "/peel/",
    "year": "/peel/2017/?group=region&sort=efficiency",
    "year-five-point": "/peel/2021-22/",
    "year-newest": "/peel/2023-25/?group=region",
    "forces-newest-year": "/forces/?year=2023-25",
    "forces-bad-year": "/forces/?year=1066",
    "assessment-partial": "/forces/merseyside/2021-22/",
    "year-questions": "/peel/2017/?level=question&sort=efficiency-q1&order=worst&grade=good&grade=none",
    "year-error": "/peel/2017/?level=all&sort=x",
    "data": "/data/",
    "not-found": "/forces/atlantis/",
    "compare": "/compare/?force=kent&force=essex&force=surrey&force=sussex&force=merseyside&force=cumbria",
    "about-grades": "/peel/about-grades/",
    "accessibility": "/accessibility/",
    "privacy": "/privacy/",
    "cookies": "/cookies/",
    "contact": "/contact/",
}


def checker():
    java = shutil.which("java")
    missing = "Java" if not java else "node_modules/vnu-jar (run `npm ci`)" if not VNU.is_file() else ""
    if missing:
        message = f"{missing} is needed to check HTML"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    return java


def test_every_public_page_is_valid_html(client, peel_data, tmp_path):
    java = checker()
    files = []
    for name, url in PAGES.items():
        path = tmp_path / f"{name}.html"
        path.write_bytes(client.get(url).content)
        files.append(str(path))
    result = subprocess.run(
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


def test_the_checker_finds_invalid_html(tmp_path):
    java = checker()
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><p><div>x</p></span>')
    result = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--exit-zero-always", str(page)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Stray end tag “span”" in result.stderr
