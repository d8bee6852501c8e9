"""Staff put each payload into every text field of every change form in the admin, and nothing breaks.

For each payload, a small world holding one object of every model registered in the admin is built as drafts.
A superuser opens each object's change form (its inlines too), puts the payload into every editable CharField
and TextField (Markdown, plain text, slugs, web addresses alike) and saves it as a browser would. A field that
refuses the payload must say so at the field; the save is then made again with that field as it was, until it
goes through. What was saved must read back as typed. The world is then published, a change to the public
assessment is proposed and approved with the payload as its change note and reason, and a preview link is made
for the payload's reader.

Then every public page, download and API answer showing the world, the feed and the sitemap, the admin's list of
every model, each change form holding the payload and the audit entry and preview link made with it are read:
none may answer 5xx; no HTML page may show the payload unescaped or gain anything active from it; no CSV cell may
start as a formula; and the JSON answers carry the names exactly as stored. Text staff write for the public may
hold no control character (the feed cannot carry one: see peel/authored_text.py).
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from consultations.models import Document, OutcomeCount, QuestionKind, Response
from forces.models import ContextPoint, Force, KeyFact, PlanPriority
from inspections.models import Inspector
from peel.authored_text import AuthoredTextAdminMixin
from peel.publishing import Status
from peel.publishing.models import AuditEntry, ChangeNote, PreviewLink, Release
from peel.publishing.rule import publishable_models
from tests.consultations.factories import make_consultation
from tests.consultations.factories import make_question as make_consultation_question
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
from tests.peel.admin_forms import form_data

from .checks import active_content, is_html, problems
from .corpus import FORM, PAYLOADS, body, ids, is_formula

pytestmark = pytest.mark.django_db

DRAFT = {"status": Status.DRAFT}
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # control characters but tab and new lines


# -- The world: one object of every model the admin edits, with its inlines -----------------------------------------


def make_world():
    """Every object with a fixed address, so its pages are the same from one test to the next."""
    region = make_region(name="Hostile region", slug="hostile-region")
    force = Force.objects.create(name="Hostile Police", short_name="Hostile", slug="hostile-force", region=region)
    other = Force.objects.create(name="Other Police", short_name="Other", slug="hostile-other", region=region)
    key_fact = KeyFact.objects.create(
        force=force, period="2019/20", measure=KeyFact.Measure.FRONTLINE_SHARE, value=94, national_value=92
    )
    context_point = ContextPoint.objects.create(force=force, text="A rural force.", position=1)
    plan_priority = PlanPriority.objects.create(force=force, group="Priorities", text="Fewer burglaries.", position=1)
    year = make_year(slug="hostile-year", title="PEEL Hostile", label="Hostile", first_year=2095, **DRAFT)
    pillar = make_pillar(year=year, slug="hostile-pillar", name="Hostile pillar", headline_question="How well?")
    question = make_question(pillar=pillar, text="Is it well done?")
    inspector = Inspector.objects.create(name="A. Inspector")
    assessment = make_assessment(force=force, year=year, inspector=inspector, observations="Plain.", **DRAFT)
    judgment = make_judgment(assessment=assessment, pillar=pillar, grade="good", summary="Plain.", **DRAFT)
    question_judgment = make_question_judgment(pillar_judgment=judgment, question=question, summary="Plain.")
    make_assessment(force=other, year=year, **DRAFT)
    report = make_report(force=force, year=year, title="Hostile report", summary="Plain.", **DRAFT)
    now = timezone.now()
    consultation = make_consultation(
        slug="hostile-consultation",
        title="Hostile consultation",
        privacy_notice="Plain.",
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=30),
        **DRAFT,
    )
    make_consultation_question(consultation, kind=QuestionKind.SHORT_TEXT, text="Your role?", hint="A hint.")
    make_consultation_question(consultation, kind=QuestionKind.ONE_CHOICE, text="Which?", choices=["One", "Two"])
    Document.objects.create(consultation=consultation, title="The proposal", url="https://example.org/proposal")
    OutcomeCount.objects.create(consultation=consultation, respondents="Members of the public", count=3)
    response = Response.objects.create(
        consultation=consultation,
        reference="HOST-IL23",
        submission_key="hostile-submission-key",
        respondent_type="individual",
        consent="none",
        name="A respondent",
    )
    user = User.objects.create_user("hostile-user", first_name="Hos", last_name="Tile", email="h@example.org")
    group = Group.objects.create(name="Hostile group")
    release = Release.objects.create(title="Hostile release", notes="Plain.")
    device = TOTPDevice.objects.create(user=user, name="Hostile phone", confirmed=True)
    entry = AuditEntry.record(AuditEntry.Action.SUBMITTED, item=assessment, detail="Plain.")
    link = PreviewLink(path=assessment.get_absolute_url(), made_for="Plain", expires_at=now + datetime.timedelta(1))
    link.point_at(assessment)
    link.save()
    sign_in = {"ip_address": "192.0.2.1", "username": "someone", "user_agent": "Browser", "path_info": "/admin/login/"}
    AccessAttempt.objects.create(**sign_in, http_accept="*/*", get_data="", post_data="", failures_since_start=1)
    AccessFailureLog.objects.create(**sign_in, http_accept="*/*")
    AccessLog.objects.create(**sign_in, http_accept="*/*")
    # The object each registered ModelAdmin is driven through; models not named here use their first object.
    return SimpleNamespace(
        region=region,
        force=force,
        other=other,
        year=year,
        pillar=pillar,
        assessment=assessment,
        judgment=judgment,
        consultation=consultation,
        objects={
            obj._meta.label: obj
            for obj in [
                region,
                force,
                key_fact,
                context_point,
                plan_priority,
                year,
                pillar,
                question,
                inspector,
                assessment,
                judgment,
                question_judgment,
                report,
                consultation,
                response,
                user,
                group,
                release,
                device,
                entry,
                link,
            ]
        },
    )


def publish(world):
    """Every draft in the world goes public, as approving it would leave it."""
    for model in publishable_models():
        model.objects.filter(status=Status.DRAFT).update(status=Status.PUBLISHED, publish_at=timezone.now())


# -- Driving a change form ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextField:
    """A CharField (TextField, slug, web address, ...) on a change form or one of its inline forms."""

    html_name: str
    name: str
    form_field: forms.Field
    instance: object


def text_fields(page):
    """Every editable text field of the change form in ``page`` and of its inlines' existing rows."""
    forms_shown = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        forms_shown += list(inline.formset.initial_forms)
    found = []
    for form in forms_shown:
        for name, field in form.fields.items():
            shown = not isinstance(field.widget, forms.HiddenInput) and not field.disabled
            if isinstance(field, forms.CharField) and shown:
                found.append(TextField(form.add_prefix(name), name, field, form.instance))
    return found


def posted_back(page):
    """What a browser posts back from the change form (a multiple select with nothing chosen sends nothing)."""
    data = form_data(page)
    multiple = {
        form.add_prefix(name)
        for form in _forms(page)
        for name, field in form.fields.items()
        if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
    }
    return {name: value for name, value in data.items() if not (name in multiple and value == "")}


def _forms(page):
    shown = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        shown += list(inline.formset.forms)
    return shown


def refused_fields(page):
    """The html names of the fields the page says are wrong; a form's own errors name all its fields."""
    names = set()
    for form in _forms(page):
        if "__all__" in form.errors:
            names |= {form.add_prefix(name) for name in form.fields}
        names |= {form.add_prefix(name) for name in form.errors if name != "__all__"}
    return names


WITHOUT_TEXT_FIELDS = set()  # the models whose change form has no text field staff can edit


def save_with(staff, url, payload, *, where):
    """Open the change form at ``url``, put ``payload`` in all its text fields, save; again without each field
    that refused it, until the save goes through. A request too big for Django (the payload in many fields at
    once) is sent again a field at a time. The fields that took the payload, and what went wrong."""
    page = staff.get(url)
    if page.status_code != 200:
        return [], [f"{where}: the change form answered {page.status_code}"]
    fields = text_fields(page)
    if not fields:  # a read-only admin: not opened again for the other payloads
        WITHOUT_TEXT_FIELDS.add(page.context["opts"].label)
    groups, taken, found = [{field.html_name for field in fields}] if fields else [], set(), []
    while groups:
        original = posted_back(page)  # as saved so far, with the revision it was opened at
        outcome, names, seen = _save_until_taken(staff, url, payload, original, groups.pop(), where)
        found += seen
        if outcome == "too big" and len(names) > 1:
            groups += [{name} for name in names]
        taken |= names if outcome == "saved" else set()
        if groups:
            page = staff.get(url)
    return [field for field in fields if field.html_name in taken], found


def _save_until_taken(staff, url, payload, original, taking, where):
    found = []
    while taking:
        pairs = [(name, payload if name in taking else value) for name, value in original.items()]
        pairs += [(name, payload) for name in taking - set(original)]
        saved = staff.post(url, body(pairs), content_type=FORM)
        found += problems(saved, payload, where=f"{where} (saved)")
        if saved.status_code == 302:
            return "saved", taking, found
        if saved.status_code == 400:  # refused whole, before any form reads it: too many fields, or too big
            return "too big", taking, found
        if saved.status_code != 200 or saved.context is None or "adminform" not in saved.context:
            return "failed", set(), [*found, f"{where}: saving answered {saved.status_code}"]
        refused = refused_fields(saved) & taking
        if not refused:
            return "failed", set(), [*found, f"{where}: refused, but not for the payload: {errors_of(saved)}"]
        if "errorlist" not in saved.content.decode():
            found.append(f"{where}: refused {sorted(refused)} without a message")
        taking = taking - refused
    return "refused", set(), found


def errors_of(page):
    form = page.context["adminform"].form
    inline = [f.errors for i in page.context["inline_admin_formsets"] for f in i.formset.forms if f.errors]
    return f"{form.errors.as_data()} {inline}"


def stored_problems(model_admin, taken, payload, where):
    """What each field that took the payload holds now: the text as typed (a CharField trims the ends); for a
    web address, an http or https one; in what staff write for the public, no control characters."""
    found = []
    for field in taken:
        model = type(field.instance)
        if field.instance.pk is None or field.name not in {f.name for f in model._meta.concrete_fields}:
            continue  # not kept as it is on the model (a consultation question's choices, one per line)
        stored = getattr(model._default_manager.get(pk=field.instance.pk), field.name)
        if isinstance(field.form_field, forms.URLField):
            if stored and not re.match(r"https?://", stored):
                found.append(f"{where}: {field.name} keeps the address {stored!r:.80}")
        elif type(field.form_field) in (forms.CharField, forms.SlugField) and stored != payload.value.strip():
            found.append(f"{where}: {field.name} keeps {stored!r:.80}, not {payload.value.strip()!r:.80}")
        if "\x00" in str(stored):
            found.append(f"{where}: {field.name} keeps a NUL byte")
        if isinstance(model_admin, AuthoredTextAdminMixin) and CONTROL.search(str(stored)):
            found.append(f"{where}: {field.name} keeps a control character")
    return found


def admin_url(obj, view="change"):
    args = [obj.pk] if view == "change" else []
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{view}", args=args)


def registered(world):
    """(model, its admin's change address for the world's object) for every model registered in the admin."""
    found = []
    for model in admin.site._registry:
        obj = world.objects.get(model._meta.label) or model._default_manager.order_by("pk").first()
        assert obj is not None, f"The world holds no {model._meta.label}: make one in make_world()"
        found.append((model, obj))
    return found


# -- What the public and staff see ----------------------------------------------------------------------------------


def public_pages(world):
    """Every public address showing something of the world, by what it is (its address may hold a slug)."""
    for obj in ("region", "force", "other", "year", "pillar", "assessment", "judgment", "consultation"):
        getattr(world, obj).refresh_from_db()
    force, year, assessment, judgment = world.force, world.year, world.assessment, world.judgment
    compare = f"{reverse('inspections:compare')}?force={force.slug}&force={world.other.slug}"
    return {
        "home": "/",
        "year list": reverse("inspections:year-list"),
        "year": year.get_absolute_url(),
        "year CSV": f"{year.get_absolute_url()}?format=csv&level=question",
        "year JSON": f"{year.get_absolute_url()}?format=json&level=question",
        "force list": f"{reverse('forces:force-list')}?year={year.slug}",
        "force": force.get_absolute_url(),
        "force CSV": f"{force.get_absolute_url()}?format=csv",
        "assessment": assessment.get_absolute_url(),
        "pillar": judgment.get_absolute_url(),
        "compare": compare,
        "compare CSV": f"{compare}&format=csv",
        "every grade CSV": reverse("inspections:all-grades", args=["csv"]),
        "every grade JSON": reverse("inspections:all-grades", args=["json"]),
        "data": reverse("inspections:data"),
        "consultations": reverse("consultations:consultation-list"),
        "consultation": world.consultation.get_absolute_url(),
        "respond": world.consultation.get_respond_url(),
        "feed": reverse("assessments-feed"),
        "sitemap": reverse("sitemap"),
        "API region": reverse("api:region-detail", args=[world.region.slug]),
        "API force": reverse("api:force-detail", args=[force.slug]),
        "API forces": reverse("api:force-list"),
        "API year": reverse("api:year-detail", args=[year.slug]),
        "API year table": f"{reverse('api:year-table', args=[year.slug])}?level=question",
        "API assessment": reverse("api:assessment-detail", args=[force.slug, year.slug]),
        "API judgments": f"{reverse('api:judgment-list')}?force={force.slug}",
    }


_baselines = {}


def baselines(client, world):
    """The active content of each public page with plain text in every field (the same in every test)."""
    if not _baselines:
        publish(world)
        for page, url in public_pages(world).items():
            response = client.get(url)
            _baselines[page] = active_content(response) if is_html(response) else None
        for model in publishable_models():
            model.objects.filter(status=Status.PUBLISHED).update(status=Status.DRAFT, publish_at=None)
    return _baselines


def csv_problems(response, where):
    if not response.get("Content-Type", "").startswith("text/csv"):
        return []
    rows = csv.reader(io.StringIO(response.content.decode().removeprefix("\ufeff")))
    return [f"{where}: cell {cell!r:.60} would run as a formula" for row in rows for cell in row if is_formula(cell)]


def json_problems(client, world, where):
    """The API and the JSON download carry the names as stored, untouched."""
    force = Force.objects.get(pk=world.force.pk)
    shown = client.get(reverse("api:force-detail", args=[force.slug])).json()
    found = [] if (shown["name"], shown["short_name"]) == (force.name, force.short_name) else [f"{where}: API"]
    rows = client.get(f"{world.year.get_absolute_url()}?format=json").json()["rows"]
    names = {row["force_name"] for row in rows if row["force"] == force.slug}
    return found if names == {force.name} else [*found, f"{where}: JSON download has {names!r:.80}"]


def approve_a_change(staff, world, payload):
    """Propose a change to the public assessment, and approve it with ``payload`` as its change note and the
    reason for approving one's own change. Each refused (on the form, or in a message) is given as words."""
    url = admin_url(world.assessment)
    data = posted_back(staff.get(url)) | {"report_url": "https://example.org/changed"}
    proposed = staff.post(url, body(data.items()), content_type=FORM)
    if proposed.status_code == 400 and len(body(data.items())) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        return []  # the form holds more than Django reads in one request: refused whole, as it should be
    found = [] if proposed.status_code == 302 else [f"proposing a change answered {proposed.status_code}"]
    compare = reverse("admin:inspections_assessment_proposal", args=[world.assessment.pk])
    found += problems(staff.get(compare), payload, where="the proposal")
    action = reverse("admin:inspections_assessment_publishing", args=[world.assessment.pk, "approve-change"])
    fields = {"change_note": payload, "force_reason": payload}
    for _ in range(3):
        approved = staff.post(action, body([("change_kind", "major"), *fields.items()]), content_type=FORM)
        found += problems(approved, payload, where="approving the change")
        if approved.status_code == 302 and ChangeNote.objects.exists():
            return found
        if approved.status_code == 200 and approved.context and "form" in approved.context:
            refused = set(approved.context["form"].errors) & set(fields)
        elif approved.status_code == 400:  # refused whole, before the form read it (too many fields)
            refused = set(fields)
        else:  # refused in a message (a reason that is only white space, say)
            refused = {"force_reason"} if approved.status_code == 302 else set()
        if not refused:
            break
        fields |= dict.fromkeys(refused, "Grades corrected.")
    return [*found, f"approving the change answered {approved.status_code}"]


def make_a_preview_link(staff, world, payload):
    year = world.year
    url = reverse("admin:peel_previewlink_make", args=[_content_type(year), year.pk])
    made = staff.post(url, body([("made_for", payload), ("days", "7")]), content_type=FORM)
    return problems(made, payload, where="making a preview link")


def _content_type(obj):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


@pytest.fixture
def staff(db):
    user = User.objects.create_superuser("hostile-admin", "admin@example.org", "a password for the test")
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("payload", PAYLOADS, ids=ids(PAYLOADS))
def test_every_authored_field_takes_or_refuses_every_payload(client, staff, payload):
    world = make_world()
    plain = baselines(client, world)
    found, shown = [], []
    for model, obj in registered(world):
        if model._meta.label in WITHOUT_TEXT_FIELDS:
            continue
        where = f"{model._meta.label}.{payload.name}"
        taken, seen = save_with(staff, admin_url(obj), payload, where=where)
        found += seen + stored_problems(admin.site._registry[model], taken, payload, where)
        shown += [admin_url(obj)] if taken else []
    publish(world)
    found += approve_a_change(staff, world, payload)
    found += make_a_preview_link(staff, world, payload)
    preview = staff.post(reverse("admin-markdown-preview"), body([("text", payload)]), content_type=FORM)
    found += problems(preview, payload, where="the Markdown preview")
    for page, url in public_pages(world).items():
        response = client.get(url)
        if response.status_code != 200:
            found.append(f"{page} ({url[:80]}): answered {response.status_code}")
            continue
        found += problems(response, payload, where=page, baseline=plain[page]) + csv_problems(response, page)
    found += json_problems(client, world, "JSON")
    # The staff pages: every list, each change form holding the payload, and the records made with it.
    shown += [admin_url(model._default_manager.latest("pk")) for model in (AuditEntry, PreviewLink)]
    for url in [*(admin_url(obj, "changelist") for _, obj in registered(world)), *shown]:
        response = staff.get(url)
        if response.status_code != 200:
            found.append(f"{url}: answered {response.status_code}")
        found += problems(response, payload, where=url)
    assert not found, "\n".join(found[:40])


@pytest.mark.parametrize(("obj", "field"), [("force", "short_name"), ("year", "title"), ("year", "pillars-0-name")])
def test_a_control_character_is_refused_where_the_feed_would_show_it(client, staff, obj, field):
    """A word processor's manual line break (U+000B) pasted into a name the Atom feed shows made the feed a 500:
    it is refused at the field, with the character named."""
    world = make_world()
    publish(world)
    url = admin_url(getattr(world, obj))
    page = staff.get(url)
    saved = staff.post(url, body({**posted_back(page), field: "North\x0bWales"}.items()), content_type=FORM)
    assert saved.status_code == 200
    assert "contains a character that cannot be saved (U+000B)" in saved.content.decode()
    assert client.get(reverse("assessments-feed")).status_code == 200


def test_a_control_character_in_a_change_note_is_refused(staff):
    world = make_world()
    publish(world)
    url = admin_url(world.assessment)
    proposal = {**posted_back(staff.get(url)), "report_url": "https://example.org/x"}
    assert staff.post(url, body(proposal.items()), content_type=FORM).status_code == 302
    action = reverse("admin:inspections_assessment_publishing", args=[world.assessment.pk, "approve-change"])
    fields = [("change_kind", "major"), ("change_note", "Grade\x0bcorrected"), ("force_reason", "Testing")]
    refused = staff.post(action, body(fields), content_type=FORM)
    assert "contains a character that cannot be saved (U+000B)" in refused.content.decode()
    assert not ChangeNote.objects.exists()
