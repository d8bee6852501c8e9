"""The editors' admin: its branding, the dashboard on its front page, lists newest first, judgment forms that
offer only what the year allows, warnings where a parent's state hides an item, and the live Markdown preview."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from consultations.models import Consultation
from inspections.admin_forms import PillarJudgmentForm
from inspections.models import Assessment, InspectionYear, PillarJudgment, QuestionJudgment, Report, Scale
from peel import revisions
from peel.publishing import Status
from peel.publishing.dashboard import CAP, dashboard
from peel.publishing.markdown_preview import MAX_BYTES
from peel.publishing.models import AuditEntry, Release
from peel.publishing.roles import EDITORS, PUBLISHERS
from peel.publishing.warnings import warnings_for
from tests.factories import (
    make_assessment,
    make_judgment,
    make_pillar,
    make_question,
    make_question_judgment,
    make_report,
    make_year,
)
from tests.peel.admin_forms import form_data

pytestmark = pytest.mark.django_db

PREVIEW_URL = "/admin/markdown-preview/"


def person(name, group=None, *, staff=True):
    user = User.objects.create_user(name, password="a long test password", is_staff=staff)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return User.objects.get(pk=user.pk)  # fresh, so its permission cache is empty


@pytest.fixture
def editor():
    return person("edna", EDITORS)


@pytest.fixture
def publisher():
    return person("pat", PUBLISHERS)


def admin_url(model_or_obj, view, *args):
    opts = model_or_obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def later(**delta):
    return timezone.now() + timedelta(**delta)


def make_consultation(**overrides):
    n = Consultation.objects.count() + 1
    values = {
        "slug": f"consultation-{n}",
        "title": f"Consultation {n}",
        "summary": "A proposal.",
        "body": "The proposal.",
        "opens_at": timezone.now() - timedelta(days=1),
        "closes_at": timezone.now() + timedelta(days=30),
        "status": Status.DRAFT,
    }
    return Consultation.objects.create(**values | overrides)


def grade_values(field):
    return [value for value, _ in field.choices if value]


# Branding.


def test_the_admin_is_named_for_the_site_and_links_to_the_public_site(editor, client):
    client.force_login(editor)
    page = client.get(reverse("admin:index")).content.decode()
    assert ">PEEL publishing</a>" in page
    assert "<title>Dashboard | PEEL staff site</title>" in page
    assert f'href="{reverse("home")}">View the public site</a>' in page
    assert "Django administration" not in page and "Django site admin" not in page


def test_the_sign_in_page_is_branded_too(client):
    page = client.get(reverse("admin:login")).content.decode()
    assert ">PEEL publishing</a>" in page and "PEEL staff site" in page


# The dashboard.


def record_change(obj, at):
    """A revision of ``obj`` dated ``at``, as a save in the admin would record."""
    with revisions.recorded("Changed"):
        obj.save()
    revision = Version.objects.get_for_object(obj).order_by("-revision_id").first().revision
    type(revision).objects.filter(pk=revision.pk).update(date_created=at)


def section_for(sections, model):
    title = str(model._meta.verbose_name_plural).capitalize()
    return next(section for section in sections if section.title == title)


def test_the_dashboard_lists_what_awaits_review_newest_changed_first(editor):
    year = make_year()
    older, newest, middle = (
        make_assessment(year=year, status=Status.REVIEW),
        make_assessment(year=year, status=Status.REVIEW),
        make_assessment(year=year, status=Status.REVIEW),
    )
    now = timezone.now()
    record_change(older, now - timedelta(days=3))
    record_change(newest, now - timedelta(hours=1))
    record_change(middle, now - timedelta(days=1))
    make_assessment(year=year, status=Status.DRAFT)
    reports = [make_report(status=Status.REVIEW) for _ in range(3)]  # no revisions: newest made first

    board = dashboard(editor)

    assessments = section_for(board.review, Assessment)
    assert [row.obj for row in assessments.rows] == [newest, middle, older]
    assert assessments.rows[0].url == admin_url(Assessment, "change", newest.pk)
    assert [row.obj for row in section_for(board.review, Report).rows] == reports[::-1]


def test_the_dashboard_covers_every_kind_of_publishable_item(publisher):
    year = make_year(status=Status.REVIEW)
    assessment = make_assessment(year=year, status=Status.REVIEW)
    make_judgment(assessment=assessment, status=Status.REVIEW)
    make_report(status=Status.REVIEW)
    make_consultation(status=Status.REVIEW)
    titles = {section.title for section in dashboard(publisher).review}
    assert titles == {"Inspection years", "Assessments", "Pillar judgments", "Reports", "Consultations"}


def test_each_list_is_capped_with_a_link_to_the_filtered_change_list(editor, client):
    for _ in range(CAP + 5):
        make_report(status=Status.REVIEW)
    make_report(status=Status.DRAFT)
    section = section_for(dashboard(editor).review, Report)
    assert (len(section.rows), section.total, section.more) == (CAP, CAP + 5, 5)
    assert section.see_all_url == f"{admin_url(Report, 'changelist')}?status__exact=review"

    client.force_login(editor)
    page = client.get(reverse("admin:index"))
    assert f'href="{section.see_all_url}"' in page.content.decode()
    listed = client.get(section.see_all_url)
    assert listed.status_code == 200 and listed.context["cl"].result_count == CAP + 5


def test_the_dashboard_shows_scheduled_items_and_releases_ready_or_held(publisher):
    soon = make_report(status=Status.SCHEDULED, publish_at=later(days=1), title="Out tomorrow")
    make_report(status=Status.SCHEDULED, publish_at=later(days=-1), title="Already public")
    make_report(status=Status.PUBLISHED, publish_at=timezone.now(), title="Published")
    held_release = Release.objects.create(title="Held release", state=Release.State.SCHEDULED, publish_at=later(days=2))
    held = make_report(status=Status.SCHEDULED, publish_at=None, release=held_release, title="Waits")
    make_report(status=Status.REVIEW, release=held_release, title="Not approved")
    ready_release = Release.objects.create(
        title="Ready release", state=Release.State.SCHEDULED, publish_at=later(days=3), ready=True
    )
    make_report(status=Status.SCHEDULED, publish_at=ready_release.publish_at, release=ready_release, title="Ready")
    Release.objects.create(title="Gone out", state=Release.State.RELEASED, publish_at=later(days=-3), ready=True)

    board = dashboard(publisher)

    scheduled = section_for(board.scheduled, Report)
    assert [row.obj.title for row in scheduled.rows] == [soon.title, "Ready", held.title]  # soonest first
    releases = {row.release.title: row for row in board.releases}
    assert set(releases) == {"Held release", "Ready release"}
    assert releases["Held release"].status == "Held: not every item is approved"
    assert (releases["Held release"].items, releases["Held release"].waiting) == (2, 1)
    assert releases["Ready release"].status == "Ready: goes out at its time"
    assert (releases["Ready release"].items, releases["Ready release"].waiting) == (1, 0)


def test_publishers_see_forced_publications_awaiting_a_second_look(publisher, editor):
    report = make_report()
    forced = AuditEntry(action=AuditEntry.Action.FORCED, detail="Urgent", username="pat", needs_review=True)
    forced.point_at(report)
    forced.save()
    looked_at = AuditEntry(action=AuditEntry.Action.FORCED, detail="Old", username="pat", needs_review=False)
    looked_at.point_at(report)
    looked_at.save()

    board = dashboard(publisher)
    assert [row.entry for row in board.forced] == [forced] and board.forced_total == 1
    assert board.forced[0].url == admin_url(Report, "change", report.pk)
    assert board.forced_url.endswith("?needs_review__exact=1")
    assert dashboard(editor).forced == []  # only a publisher may mark them looked at


def test_each_person_sees_their_own_drafts(editor, publisher, client):
    mine = make_report(status=Status.DRAFT, changed_by=editor)
    make_report(status=Status.DRAFT, changed_by=publisher)
    make_report(status=Status.REVIEW, changed_by=editor)

    drafts = section_for(dashboard(editor).drafts, Report)
    assert [row.obj for row in drafts.rows] == [mine]
    assert [row.obj for row in section_for(dashboard(publisher).drafts, Report).rows] != [mine]

    client.force_login(editor)
    listed = client.get(drafts.see_all_url)
    assert listed.status_code == 200 and list(listed.context["cl"].result_list) == [mine]


def test_the_front_page_shows_the_dashboard_and_the_app_list(publisher, client):
    assessment = make_assessment(status=Status.REVIEW)
    client.force_login(publisher)
    page = client.get(reverse("admin:index")).content.decode()
    assert 'id="dashboard-review"' in page and str(assessment) in page
    assert 'id="dashboard-releases"' in page and 'id="dashboard-forced"' in page
    assert "Nothing is scheduled." in page and "You have no drafts." in page
    assert 'class="app-inspections module' in page  # the usual list of models


def some_of_everything(user, n):
    """``n`` items of each kind in each list the dashboard shows, with revisions, a release and audit entries."""
    release = Release.objects.create(title=f"Release {Release.objects.count()}", state=Release.State.PLANNED)
    for _ in range(n):
        year = make_year(status=Status.REVIEW, changed_by=user)
        assessment = make_assessment(year=year, status=Status.REVIEW, changed_by=user)
        judgment = make_judgment(assessment=assessment, status=Status.REVIEW, release=release)
        make_judgment(assessment=make_assessment(year=year, status=Status.DRAFT, changed_by=user), status=Status.DRAFT)
        make_report(status=Status.SCHEDULED, publish_at=later(days=1), year=year)
        make_report(status=Status.SCHEDULED, release=release)
        make_consultation(status=Status.DRAFT, changed_by=user)
        with revisions.recorded("Saved"):
            assessment.save()
            judgment.save()
        entry = AuditEntry(action=AuditEntry.Action.CHANGED_LIVE, username="someone", needs_review=True)
        entry.point_at(assessment)
        entry.save()


def front_page_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return len(queries)


def test_the_front_page_makes_as_many_queries_for_30_items_as_for_1(publisher, client):
    client.force_login(publisher)
    some_of_everything(publisher, 1)
    client.get(reverse("admin:index"))  # caches warmed: content types, permissions
    few = front_page_queries(client)
    some_of_everything(publisher, 29)
    many = front_page_queries(client)
    assert many == few
    board = dashboard(publisher)
    assert section_for(board.review, Assessment).total == 30 and len(board.forced) == CAP


# Lists newest first.


@pytest.mark.parametrize("model", [InspectionYear, Assessment, PillarJudgment, Report, Consultation])
def test_the_change_lists_of_publishable_items_show_the_newest_first(model, publisher, client):
    makers = {
        InspectionYear: make_year,
        Assessment: make_assessment,
        PillarJudgment: make_judgment,
        Report: make_report,
        Consultation: make_consultation,
    }
    first = makers[model]()
    second = makers[model]()
    client.force_login(publisher)
    shown = list(client.get(admin_url(model, "changelist")).context["cl"].result_list)
    if model is PillarJudgment:
        shown = [row for row in shown if row in (first, second)]
    assert shown.index(second) < shown.index(first)


# Judgment forms offer only what the year allows.


@pytest.fixture
def two_years():
    """A four-point year with an assessment and one pillar judgment, and a five-point year with a pillar."""
    four = make_year(scale=Scale.FOUR_POINT, status=Status.DRAFT)
    five = make_year(scale=Scale.FIVE_POINT, status=Status.DRAFT)
    pillar = make_pillar(year=four, name="Legitimacy")
    other_pillar = make_pillar(year=five, name="Other year’s area")
    assessment = make_assessment(year=four, status=Status.DRAFT)
    judgment = make_judgment(assessment=assessment, pillar=pillar, status=Status.DRAFT, grade="good")
    return {"four": four, "five": five, "pillar": pillar, "other_pillar": other_pillar, "judgment": judgment}


def test_a_pillar_judgments_form_offers_only_its_years_pillars_and_grades(two_years, editor, client):
    judgment = two_years["judgment"]
    client.force_login(editor)
    page = client.get(admin_url(judgment, "change", judgment.pk))
    form = page.context["adminform"].form
    assert list(form.fields["pillar"].queryset) == [two_years["pillar"]]
    assert grade_values(form.fields["grade"]) == ["outstanding", "good", "requires-improvement", "inadequate"]
    html = page.content.decode()
    assert "Other year’s area" not in html
    assert 'value="adequate"' not in html


def test_a_five_point_years_judgment_is_offered_adequate():
    five = make_year(scale=Scale.FIVE_POINT)
    judgment = make_judgment(assessment=make_assessment(year=five), grade="adequate")
    form = PillarJudgmentForm(instance=judgment)
    assert "adequate" in grade_values(form.fields["grade"])


def test_the_assessments_judgment_inline_offers_only_its_years_pillars_and_grades(two_years, editor, client):
    assessment = two_years["judgment"].assessment
    client.force_login(editor)
    page = client.get(admin_url(assessment, "change", assessment.pk))
    formset = page.context["inline_admin_formsets"][0].formset
    for form in [*formset.forms, formset.empty_form]:
        assert list(form.fields["pillar"].queryset) == [two_years["pillar"]]
        assert "admin-autocomplete" not in form["pillar"].as_widget()  # a plain list of the year's pillars
        assert "adequate" not in grade_values(form.fields["grade"])
    assert "Other year’s area" not in page.content.decode()


def test_a_new_judgment_before_its_assessment_is_chosen_is_offered_everything(two_years, editor, client):
    client.force_login(editor)
    form = client.get(admin_url(PillarJudgment, "add")).context["adminform"].form
    assert {two_years["pillar"], two_years["other_pillar"]} <= set(form.fields["pillar"].queryset)
    assert "adequate" in grade_values(form.fields["grade"])
    chosen = f"{admin_url(PillarJudgment, 'add')}?assessment={two_years['judgment'].assessment_id}"
    form = client.get(chosen).context["adminform"].form
    assert list(form.fields["pillar"].queryset) == [two_years["pillar"]]


def test_a_new_judgment_posted_without_an_assessment_is_refused_by_the_model_checks(two_years, editor, client):
    client.force_login(editor)
    data = {
        "assessment": "",
        "pillar": two_years["other_pillar"].pk,
        "grade": "adequate",
        "question_judgments-TOTAL_FORMS": "0",
        "question_judgments-INITIAL_FORMS": "0",
    }
    response = client.post(admin_url(PillarJudgment, "add"), data)
    assert response.status_code == 200
    assert "assessment" in response.context["adminform"].form.errors
    assert PillarJudgment.objects.count() == 1


def test_a_crafted_post_with_another_years_pillar_is_refused_on_the_field(two_years, editor, client):
    judgment = two_years["judgment"]
    client.force_login(editor)
    url = admin_url(judgment, "change", judgment.pk)
    data = form_data(client.get(url)) | {"pillar": two_years["other_pillar"].pk}
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "belongs to another year" in errors["pillar"][0]
    judgment.refresh_from_db()
    assert judgment.pillar == two_years["pillar"]


def test_a_crafted_post_with_a_grade_the_year_does_not_use_is_refused_on_the_field(two_years, editor, client):
    judgment = two_years["judgment"]
    client.force_login(editor)
    url = admin_url(judgment, "change", judgment.pk)
    response = client.post(url, form_data(client.get(url)) | {"grade": "adequate"})
    assert response.status_code == 200
    assert "does not use “adequate”" in response.context["adminform"].form.errors["grade"][0]
    judgment.refresh_from_db()
    assert judgment.grade == "good"


def test_a_crafted_inline_post_with_another_years_pillar_is_refused(two_years, editor, client):
    assessment = two_years["judgment"].assessment
    client.force_login(editor)
    url = admin_url(assessment, "change", assessment.pk)
    data = form_data(client.get(url)) | {
        "pillar_judgments-0-pillar": two_years["other_pillar"].pk,
        "pillar_judgments-0-grade": "adequate",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert "belongs to another year" in form.errors["pillar"][0]
    assert "does not use “adequate”" in form.errors["grade"][0]


def test_a_question_judgment_is_offered_only_its_pillars_questions_and_its_years_grades(two_years, editor, client):
    judgment = two_years["judgment"]
    question = make_question(pillar=judgment.pillar)
    elsewhere = make_question(pillar=two_years["other_pillar"])
    answer = make_question_judgment(pillar_judgment=judgment, question=question)
    client.force_login(editor)

    form = client.get(admin_url(QuestionJudgment, "change", answer.pk)).context["adminform"].form
    assert list(form.fields["question"].queryset) == [question]
    assert "adequate" not in grade_values(form.fields["grade"])

    inline = client.get(admin_url(judgment, "change", judgment.pk)).context["inline_admin_formsets"][0].formset
    for inline_form in [*inline.forms, inline.empty_form]:
        assert list(inline_form.fields["question"].queryset) == [question]
        assert "adequate" not in grade_values(inline_form.fields["grade"])

    url = admin_url(QuestionJudgment, "change", answer.pk)
    response = client.post(url, form_data(client.get(url)) | {"question": elsewhere.pk, "grade": "adequate"})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "belongs to another pillar" in errors["question"][0]
    assert "does not use “adequate”" in errors["grade"][0]


# Warnings where a parent's state hides an item.


def test_a_published_assessment_in_a_draft_year_is_warned_about():
    year = make_year(status=Status.DRAFT, title="PEEL 2099")
    assessment = make_assessment(year=year, status=Status.PUBLISHED)
    [warning] = warnings_for(assessment)
    assert "This assessment is published, but its inspection year “PEEL 2099” is a draft" in warning
    assert "until the inspection year goes public too" in warning


def test_a_published_judgment_of_an_assessment_in_review_is_warned_about():
    judgment = make_judgment(assessment=make_assessment(status=Status.REVIEW), status=Status.PUBLISHED)
    [warning] = warnings_for(judgment)
    assert "its assessment" in warning and "is in review" in warning


def test_an_item_scheduled_before_its_parent_is_warned_about():
    year = make_year(status=Status.SCHEDULED, publish_at=later(days=2))
    assessment = make_assessment(year=year, status=Status.SCHEDULED, publish_at=later(days=1))
    [warning] = warnings_for(assessment)
    assert "is scheduled for" in warning and "will not see this assessment before then" in warning
    year.publish_at = later(hours=12)
    year.save()
    assert warnings_for(assessment) == []


def test_an_approved_assessment_with_draft_judgments_goes_live_without_them():
    assessment = make_assessment(status=Status.SCHEDULED, publish_at=later(days=1))
    make_judgment(assessment=assessment, status=Status.SCHEDULED, publish_at=later(days=1))
    make_judgment(
        assessment=assessment, status=Status.DRAFT, pillar=make_pillar(year=assessment.year, name="Efficiency")
    )
    [warning] = warnings_for(assessment)
    assert "1 of its pillar judgments is not: Efficiency (a draft)" in warning
    assert "goes live without it" in warning


def test_a_published_year_with_no_published_grades_is_warned_about():
    year = make_year(status=Status.PUBLISHED)
    draft = make_assessment(year=year, status=Status.DRAFT)
    make_judgment(assessment=draft, status=Status.PUBLISHED)  # hidden by its draft assessment
    [warning] = warnings_for(year)
    assert "none of its grades is approved" in warning
    make_judgment(assessment=make_assessment(year=year, status=Status.PUBLISHED), status=Status.PUBLISHED)
    assert warnings_for(year) == []


def test_nothing_is_warned_about_where_all_is_as_it_seems():
    judgment = make_judgment()
    assert warnings_for(judgment) == [] and warnings_for(judgment.assessment) == []
    assert warnings_for(make_assessment(status=Status.DRAFT, year=make_year(status=Status.DRAFT))) == []
    assert warnings_for(make_report(year=None)) == []
    assert warnings_for(None) == []


def test_the_change_form_shows_the_warnings(publisher, client):
    assessment = make_assessment(year=make_year(status=Status.DRAFT), status=Status.PUBLISHED)
    client.force_login(publisher)
    page = client.get(admin_url(assessment, "change", assessment.pk)).content.decode()
    assert 'class="messagelist publishing-warnings"' in page
    assert "the public will not see this assessment until the inspection year goes public too" in page


# The live Markdown preview.


def test_the_preview_is_refused_to_the_public_and_to_staff_without_staff_status(client):
    assert client.post(PREVIEW_URL, {"text": "Hi"}).status_code == 302
    client.force_login(person("visitor", staff=False))
    response = client.post(PREVIEW_URL, {"text": "Hi"})
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_the_preview_answers_post_only(editor, client):
    client.force_login(editor)
    assert client.get(PREVIEW_URL).status_code == 405


def test_the_preview_needs_the_csrf_token(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.post(PREVIEW_URL, {"text": "Hi"}).status_code == 403
    client.get(reverse("admin:index"))  # sets the CSRF cookie, as the change form does
    token = client.cookies["csrftoken"].value
    response = client.post(PREVIEW_URL, {"text": "*Hi*"}, headers={"X-CSRFToken": token})
    assert response.status_code == 200 and response.json()["html"] == '<p class="govuk-body"><em>Hi</em></p>'


def test_the_preview_is_sanitised(editor, client):
    client.force_login(editor)
    text = "**Bold** <script>alert(1)</script> [link](javascript:alert(2)) <img src=x onerror=alert(3)>"
    html = client.post(PREVIEW_URL, {"text": text}).json()["html"]
    assert "<strong>Bold</strong>" in html
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html and "<img" not in html


def test_the_preview_refuses_text_over_its_limit_with_a_reason(editor, client):
    client.force_login(editor)
    response = client.post(PREVIEW_URL, {"text": "a" * (MAX_BYTES + 1)})
    assert response.status_code == 413
    assert "too long to preview" in response.json()["error"]
    assert client.post(PREVIEW_URL, {"text": "a" * MAX_BYTES}).status_code == 200


def test_admin_pages_load_the_preview_script_and_mark_markdown_fields(editor, client):
    assessment = make_assessment(status=Status.DRAFT)
    client.force_login(editor)
    page = client.get(admin_url(assessment, "change", assessment.pk)).content.decode()
    assert "admin/peel/markdown-preview.js" in page and f'data-preview-url="{PREVIEW_URL}"' in page
    # The script finds a Markdown field by the help text the field points to.
    assert 'aria-describedby="id_observations_helptext"' in page
    assert '<div class="help" id="id_observations_helptext">' in page
    assert finders.find("admin/peel/markdown-preview.js")


def test_the_sign_in_page_does_not_load_the_preview_script(client):
    assert "markdown-preview.js" not in client.get(reverse("admin:login")).content.decode()
