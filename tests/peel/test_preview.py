"""Previews: staff see a draft on its real address with ?preview=1, and a publisher's signed link shows one
item's page to someone without an account until it expires or is revoked. A preview is never cached, never
indexed, never shows a withdrawn item, and never takes a consultation response."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consultations.models import Response
from peel.publishing import Status, is_previewing
from peel.publishing.models import AuditEntry, PreviewLink
from peel.publishing.preview import link_from_token, token_for
from tests.consultations.factories import make_open_consultation_with_every_kind
from tests.factories import make_assessment, make_judgment, make_year
from tests.inspections.test_views import text_of

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
ROBOTS_META = '<meta name="robots" content="noindex, nofollow">'
BANNER = "This is a preview of unpublished content"


def person(name, group=None, *, is_staff=True):
    user = User.objects.create_user(name, password="a long test password", is_staff=is_staff)
    if group:
        user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def editor():
    return person("edna", "Editors")


@pytest.fixture
def publisher():
    return person("pat", "Publishers")


# The draft pages staff may preview: each builder returns the item and the address of its page.
def draft_year():
    year = make_year(status=Status.DRAFT, title="PEEL 2099", first_year=2099)
    return year, year.get_absolute_url(), "PEEL 2099"


def draft_assessment():
    assessment = make_assessment(status=Status.DRAFT)
    return assessment, assessment.get_absolute_url(), assessment.force.name


def draft_judgment():
    judgment = make_judgment(status=Status.DRAFT, grade="inadequate")
    return judgment, judgment.get_absolute_url(), judgment.assessment.force.short_name


def draft_consultation():
    consultation = make_open_consultation_with_every_kind(status=Status.DRAFT, title="Secret plans")
    return consultation, consultation.get_absolute_url(), "Secret plans"


DRAFTS = [draft_year, draft_assessment, draft_judgment, draft_consultation]


def assert_is_a_preview(response):
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "noindex" in response["X-Robots-Tag"]
    assert ROBOTS_META in response.content.decode()


def assert_is_public(response):
    assert "X-Robots-Tag" not in response
    assert ROBOTS_META not in response.content.decode()
    assert "preview" not in text_of(response).lower()


# Staff, with ?preview=1.


@pytest.mark.parametrize("build", DRAFTS)
def test_staff_see_a_draft_on_its_real_address_when_they_ask_for_a_preview(editor, build):
    _, url, name = build()
    assert editor.get(url).status_code == 404  # staff see the live page unless they ask
    response = editor.get(url, {"preview": "1"})
    assert_is_a_preview(response)
    page = text_of(response)
    assert name in page
    assert "Preview" in page and "not public" in page


@pytest.mark.parametrize("build", [draft_year, draft_assessment, draft_judgment])
def test_the_banner_says_what_a_preview_is_and_is_announced_as_a_region(editor, build):
    _, url, _ = build()
    html = editor.get(url, {"preview": "1"}).content.decode()
    banner = re.search(r'<div class="govuk-notification-banner[^"]*"[^>]*>', html)[0]
    assert 'role="region"' in banner and 'aria-labelledby="preview-banner-title"' in banner
    assert BANNER in text_of_fragment(html)
    assert "Only staff can see it" in text_of_fragment(html)


def text_of_fragment(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("build", DRAFTS)
def test_anyone_else_asking_for_a_preview_gets_the_public_page(client, django_user_model, build):
    _, url, _ = build()
    not_staff = person("nat", "Editors", is_staff=False)
    staff_without_rights = person("sam")
    for someone in (client, not_staff, staff_without_rights):
        response = someone.get(url, {"preview": "1"})
        assert response.status_code == 404
        assert "X-Robots-Tag" not in response


def test_a_published_page_asked_for_by_the_public_with_preview_is_the_public_page(client):
    assessment = make_assessment()
    response = client.get(assessment.get_absolute_url(), {"preview": "1"})
    assert response.status_code == 200
    assert_is_public(response)


def test_staff_previewing_a_public_page_see_the_drafts_in_it(editor):
    year = make_year()
    published = make_judgment(assessment=make_assessment(year=year)).assessment.get_absolute_url()
    draft = make_judgment(assessment=make_assessment(year=year, status=Status.DRAFT)).assessment.get_absolute_url()
    live = editor.get(year.get_absolute_url()).content.decode()
    assert f'href="{published}"' in live and f'href="{draft}"' not in live
    preview = editor.get(year.get_absolute_url(), {"preview": "1"})
    assert_is_a_preview(preview)
    assert f'href="{published}"' in preview.content.decode() and f'href="{draft}"' in preview.content.decode()


@pytest.mark.parametrize("status", [Status.REVIEW, Status.SCHEDULED])
def test_items_in_review_or_scheduled_are_previewed_too(editor, status):
    assessment = make_assessment(status=status, publish_at=timezone.now() + DAY if status == Status.SCHEDULED else None)
    assert editor.get(assessment.get_absolute_url()).status_code == 404
    assert_is_a_preview(editor.get(assessment.get_absolute_url(), {"preview": "1"}))


def test_a_withdrawn_item_stays_hidden_even_in_a_preview(editor, publisher):
    assessment = make_assessment(status=Status.WITHDRAWN)
    judgment = make_judgment(status=Status.WITHDRAWN)
    for url in (assessment.get_absolute_url(), judgment.get_absolute_url()):
        assert editor.get(url, {"preview": "1"}).status_code == 404
    year = make_year()
    shown = make_judgment(assessment=make_assessment(year=year)).assessment.get_absolute_url()
    withdrawn = make_judgment(assessment=make_assessment(year=year, status=Status.WITHDRAWN)).assessment
    preview = editor.get(year.get_absolute_url(), {"preview": "1"})
    assert_is_a_preview(preview)
    assert f'href="{shown}"' in preview.content.decode()
    assert f'href="{withdrawn.get_absolute_url()}"' not in preview.content.decode()


def test_a_preview_ends_with_its_request(editor):
    _, url, _ = draft_assessment()
    editor.get(url, {"preview": "1"})
    assert not is_previewing()
    assert editor.get(url).status_code == 404


def test_a_preview_is_only_for_reading(editor):
    _, url, _ = draft_assessment()
    assert editor.post(f"{url}?preview=1").status_code in (404, 405)


# Consultations: the general preview, and never a response.


def test_nobody_can_respond_to_a_draft_consultation_from_a_preview(editor, publisher, client):
    consultation, url, _ = draft_consultation()
    response = editor.get(url, {"preview": "1"})
    assert consultation.get_respond_url() not in response.content.decode()
    link = make_link_as(publisher, consultation)
    by_link = client.get(url, {"preview": token_for(link)})
    assert_is_a_preview(by_link)
    assert consultation.get_respond_url() not in by_link.content.decode()
    respond = consultation.get_respond_url()
    assert editor.get(respond, {"preview": "1"}).status_code == 404
    assert client.get(respond, {"preview": token_for(link)}).status_code == 404
    submit = reverse("consultations:submit", kwargs={"slug": consultation.slug})
    assert client.post(f"{submit}?preview={token_for(link)}", {"answers": "x"}).status_code == 404
    assert not Response.objects.exists()


# Making links.


def make_url(obj):
    content_type = ContentType.objects.get_for_model(obj)
    return reverse("admin:peel_previewlink_make", args=[content_type.pk, obj.pk])


def make_link_as(client, obj, **data):
    response = client.post(make_url(obj), {"made_for": "Kent Police fact-checker", "days": "7"} | data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return PreviewLink.objects.latest("pk")


def test_a_publisher_makes_a_link_from_an_item(publisher):
    assessment, url, _ = draft_assessment()
    form = publisher.get(make_url(assessment))
    assert form.status_code == 200
    assert str(assessment) in text_of(form) and url in text_of(form)
    before = timezone.now()
    link = make_link_as(publisher, assessment)
    assert link.path == url and link.made_for == "Kent Police fact-checker"
    assert link.item == assessment and link.created_by == publisher.user
    assert before + 7 * DAY <= link.expires_at <= timezone.now() + 7 * DAY
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PREVIEW_LINK)
    assert entry.item == assessment and entry.user == publisher.user and entry.username == "pat"
    assert "Kent Police fact-checker" in entry.detail


def test_a_link_lasts_seven_days_unless_asked_and_thirty_at_most(publisher):
    assessment, _, _ = draft_assessment()
    form = publisher.get(make_url(assessment))
    assert 'name="days" value="7"' in form.content.decode()
    link = make_link_as(publisher, assessment, days="30")
    assert link.expires_at > timezone.now() + 29 * DAY
    for days in ("31", "0", "-1", "many"):
        response = publisher.post(make_url(assessment), {"made_for": "Someone", "days": days})
        assert response.status_code == 200
        assert "There is a problem" in text_of(response) or "errornote" in response.content.decode()
    assert PreviewLink.objects.count() == 1


def test_a_link_needs_to_say_who_it_is_for(publisher):
    assessment, _, _ = draft_assessment()
    response = publisher.post(make_url(assessment), {"made_for": "", "days": "7"})
    assert response.status_code == 200 and not PreviewLink.objects.exists()


def test_a_publisher_makes_a_link_from_a_page_address(publisher):
    judgment, url, _ = draft_judgment()
    add = reverse("admin:peel_previewlink_add")
    assert publisher.get(add).status_code == 200
    response = publisher.post(add, {"address": f"http://testserver{url}?preview=1", "made_for": "HMI", "days": "3"})
    assert publisher.post(add, {"address": url.rstrip("/"), "made_for": "HMI", "days": "3"}).status_code == 302
    assert response.status_code == 302
    assert [(link.item, link.path) for link in PreviewLink.objects.all()] == [(judgment, url)] * 2
    unknown = publisher.post(add, {"address": "/forces/atlantis/1066/", "made_for": "HMI", "days": "3"})
    assert unknown.status_code == 200 and PreviewLink.objects.count() == 2
    elsewhere = publisher.post(add, {"address": f"https://example.com{url}", "made_for": "HMI", "days": "3"})
    assert elsewhere.status_code == 200 and PreviewLink.objects.count() == 2
    assert "No item" in text_of(unknown) or "no item" in text_of(unknown)


def test_no_link_for_a_withdrawn_item(publisher):
    assessment = make_assessment(status=Status.WITHDRAWN)
    response = publisher.post(make_url(assessment), {"made_for": "Someone", "days": "7"})
    assert response.status_code == 200 and not PreviewLink.objects.exists()
    assert "withdrawn" in text_of(response)


def test_an_editor_cannot_make_a_link_by_any_route(editor):
    assessment, url, _ = draft_assessment()
    data = {"made_for": "Someone", "days": "7"}
    assert editor.get(make_url(assessment)).status_code == 403
    assert editor.post(make_url(assessment), data).status_code == 403
    add = reverse("admin:peel_previewlink_add")
    assert editor.post(add, {"address": url, **data}).status_code == 403
    assert editor.get(reverse("admin:peel_previewlink_changelist")).status_code == 403
    assert not PreviewLink.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.PREVIEW_LINK).exists()


def test_the_make_link_helper_refuses_whoever_may_not_add_links(editor, rf):
    from django.core.exceptions import PermissionDenied

    from peel.publishing.preview_admin import make_link

    assessment, _, _ = draft_assessment()
    request = rf.post("/", {"made_for": "Someone", "days": "7"})
    request.user = editor.user
    with pytest.raises(PermissionDenied):
        make_link(request, assessment)


# Using links.


def test_a_link_shows_its_item_to_someone_without_an_account(publisher, client):
    assessment, url, name = draft_assessment()
    link = make_link_as(publisher, assessment)
    assert client.get(url).status_code == 404
    response = client.get(url, {"preview": token_for(link)})
    assert_is_a_preview(response)
    page = text_of(response)
    assert name in page and BANNER in page
    assert "Kent Police fact-checker" in page and "Only people with this link can see it" in page
    assert "Do not share" in page or "do not share" in page
    assert response["Referrer-Policy"] == "no-referrer"


def test_a_link_works_for_its_own_page_only(publisher, client):
    assessment, _, _ = draft_assessment()
    other, other_url, _ = draft_assessment()
    link = make_link_as(publisher, assessment)
    response = client.get(other_url, {"preview": token_for(link)})
    assert response.status_code == 404
    assert other.force.name not in text_of(response)


def test_a_link_stops_working_when_it_expires(publisher, client):
    assessment, url, name = draft_assessment()
    link = make_link_as(publisher, assessment)
    PreviewLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(url, {"preview": token_for(link)})
    assert response.status_code == 410
    page = text_of(response)
    assert "This preview link has expired" in page and name not in page
    assert response["Cache-Control"] == "private, no-store" and "noindex" in response["X-Robots-Tag"]


def test_a_revoked_link_stops_working_at_once(publisher, client):
    assessment, url, name = draft_assessment()
    link = make_link_as(publisher, assessment)
    assert client.get(url, {"preview": token_for(link)}).status_code == 200
    revoke = reverse("admin:peel_previewlink_revoke", args=[link.pk])
    confirm = publisher.get(revoke)
    assert confirm.status_code == 200 and "Kent Police fact-checker" in text_of(confirm)
    assert publisher.post(revoke).status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None and link.revoked_by == publisher.user
    response = client.get(url, {"preview": token_for(link)})
    assert response.status_code == 410
    assert "This preview link was withdrawn" in text_of(response) and name not in text_of(response)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PREVIEW_REVOKED)
    assert entry.item == assessment and entry.user == publisher.user and entry.username == "pat"
    # Making it valid again is not a thing: a new expiry does not bring a revoked link back.
    PreviewLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() + DAY)
    assert client.get(url, {"preview": token_for(link)}).status_code == 410


def test_links_are_revoked_in_bulk_from_the_list(publisher, client):
    assessment, url, _ = draft_assessment()
    links = [make_link_as(publisher, assessment), make_link_as(publisher, assessment)]
    response = publisher.post(
        reverse("admin:peel_previewlink_changelist"),
        {"action": "revoke_links", "_selected_action": [link.pk for link in links]},
    )
    assert response.status_code == 302
    assert not PreviewLink.objects.filter(revoked_at=None).exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.PREVIEW_REVOKED).count() == 2
    for link in links:
        assert client.get(url, {"preview": token_for(link)}).status_code == 410


def test_an_editor_cannot_revoke_a_link(publisher, editor, client):
    assessment, url, _ = draft_assessment()
    link = make_link_as(publisher, assessment)
    assert editor.post(reverse("admin:peel_previewlink_revoke", args=[link.pk])).status_code == 403
    link.refresh_from_db()
    assert link.revoked_at is None
    assert client.get(url, {"preview": token_for(link)}).status_code == 200


def test_a_tampered_or_unknown_token_never_previews(publisher, client):
    assessment, url, _ = draft_assessment()
    link = make_link_as(publisher, assessment)
    token = token_for(link)
    for bad in (token[:-2], token + "x", "1", "", signing.dumps(link.pk, salt="another purpose")):
        response = client.get(url, {"preview": bad})
        assert response.status_code == 404, bad
        assert str(assessment.force.name) not in text_of(response)
    assert link_from_token(token[:-2]) is None
    PreviewLink.objects.filter(pk=link.pk).delete()
    assert client.get(url, {"preview": token}).status_code == 404


def test_an_expired_link_to_a_page_since_published_shows_the_live_page(publisher, client):
    assessment, url, name = draft_assessment()
    link = make_link_as(publisher, assessment)
    PreviewLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - DAY)
    type(assessment).objects.filter(pk=assessment.pk).update(status=Status.PUBLISHED)
    response = client.get(url, {"preview": token_for(link)})
    assert response.status_code == 200 and name in text_of(response)
    assert_is_public(response)


def test_a_link_to_an_item_withdrawn_since_shows_nothing(publisher, client):
    assessment, url, name = draft_assessment()
    link = make_link_as(publisher, assessment)
    type(assessment).objects.filter(pk=assessment.pk).update(status=Status.WITHDRAWN)
    response = client.get(url, {"preview": token_for(link)})
    assert response.status_code == 410 and name not in text_of(response)


def test_the_list_shows_each_links_state_and_its_full_address(publisher):
    assessment, url, _ = draft_assessment()
    valid, expired, revoked = (make_link_as(publisher, assessment, made_for=who) for who in ("A", "B", "C"))
    PreviewLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - DAY)
    PreviewLink.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    response = publisher.get(reverse("admin:peel_previewlink_changelist"))
    html = response.content.decode()
    assert f"http://testserver{url}?preview={token_for(valid)}" in html
    assert token_for(expired) not in html and token_for(revoked) not in html
    page = text_of(response)
    assert "Valid" in page and "Expired" in page and "Revoked" in page
    detail = publisher.get(reverse("admin:peel_previewlink_change", args=[valid.pk]))
    assert f"http://testserver{url}?preview={token_for(valid)}" in detail.content.decode()


def test_a_preview_is_never_cacheable_whatever_the_view_says(publisher, client, editor):
    consultation, url, _ = draft_consultation()
    link = make_link_as(publisher, consultation)
    for response in (editor.get(url, {"preview": "1"}), client.get(url, {"preview": token_for(link)})):
        assert response["Cache-Control"] == "private, no-store"
        assert "public" not in response["Cache-Control"] and "max-age" not in response["Cache-Control"]


def test_preview_pages_are_valid_html(publisher, client, editor, tmp_path):
    """The banner, on its own and inside a consultation, and the page saying a link no longer works."""
    import json
    import subprocess

    from tests.peel.test_valid_html import VNU, checker

    java = checker()
    assessment, url, _ = draft_assessment()
    consultation, consultation_url, _ = draft_consultation()
    link = make_link_as(publisher, assessment)
    expired = make_link_as(publisher, consultation)
    PreviewLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - DAY)
    pages = {
        "staff": editor.get(url, {"preview": "1"}),
        "link": client.get(url, {"preview": token_for(link)}),
        "consultation": editor.get(consultation_url, {"preview": "1"}),
        "expired": client.get(consultation_url, {"preview": token_for(expired)}),
        "invalid": client.get(url, {"preview": "not-a-token"}),
    }
    files = []
    for name, response in pages.items():
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(str(path))
    result = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--exit-zero-always", *files],
        capture_output=True,
        text=True,
        check=True,
    )
    problems = [
        f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
        for m in json.loads(result.stderr)["messages"]
        if m["type"] == "error" or m.get("subType") == "warning"
    ]
    assert not problems, "\n".join(problems)
