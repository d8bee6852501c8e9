import re
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from reversion.models import Revision, Version

from forces.models import Force
from inspections.models import Assessment, PillarJudgment, QuestionJudgment
from peel import revisions
from peel.publishing import Status
from tests import factories
from tests.factories import make_force, make_question_judgment
from tests.inspections.test_views import text_of

pytestmark = pytest.mark.django_db


# Saving a public item's form proposes a change rather than making it (tests/peel/test_proposals.py), so the
# items whose saves these tests record are drafts.
def make_assessment(**overrides):
    return factories.make_assessment(**{"status": Status.DRAFT} | overrides)


def make_judgment(**overrides):
    if "assessment" not in overrides:
        overrides["assessment"] = make_assessment()
    return factories.make_judgment(**overrides)


def url(obj, view, *args):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{view}", args=[obj.pk, *args])


def form_data(response, **changes):
    """What the browser posts back for the change form in ``response``, with ``changes`` to its fields."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    for form in forms:
        for bound in form:
            value = bound.value()
            if isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            else:
                data[bound.html_name] = "" if value is None else value
    seen = re.search(r'name="seen_revision" value="(\d*)"', response.content.decode())
    data[revisions.SEEN_REVISION] = seen.group(1)
    return data | changes


def save(client, obj, **changes):
    """Open ``obj``'s change form and save it with ``changes``, as a person would."""
    page = client.get(url(obj, "change"))
    # A public item's form asks why it is changed while public; a draft's has no such field, and ignores it.
    return client.post(url(obj, "change"), form_data(page, live_change_reason="Correcting a typo", **changes))


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def jane(django_user_model):
    return django_user_model.objects.create_superuser("jane", "jane@example.org", None, first_name="Jane")


def test_a_save_in_the_admin_keeps_a_revision_saying_who_saved_it_and_what_changed(admin_client, admin_user):
    judgment = make_judgment(grade="good")
    make_question_judgment(pillar_judgment=judgment)
    assessment = judgment.assessment

    response = save(admin_client, assessment, observations="Crime is recorded accurately.")

    assert response.status_code == 302
    [version] = Version.objects.get_for_object(assessment)
    assert version.revision.user == admin_user
    assert version.revision.get_comment() == "Changed HMI’s observations."
    assert version.field_dict["observations"] == "Crime is recorded accurately."
    # The revision holds the whole page: the judgments and their question judgments with it.
    held = {v._model for v in version.revision.version_set.all()}
    assert held == {Assessment, PillarJudgment, QuestionJudgment}


def test_the_history_lists_each_revision_with_its_date_user_and_comment(admin_client, jane):
    assessment = make_assessment()
    save(admin_client, assessment, observations="First.")
    save(signed_in(jane), assessment, observations="Second.")

    page = text_of(admin_client.get(url(assessment, "history")))

    assert page.count("Changed HMI’s observations.") == 2
    assert page.index("jane (Jane) Changed") < page.index("admin Changed")  # newest first
    assert re.search(r"\d{1,2} \w+ \d{4}, \d\d:\d\d jane \(Jane\) Changed HMI’s observations\.", page)
    assert "Compare with what is saved now" in page
    assert "Restore as draft" in page


def test_comparing_two_revisions_marks_the_fields_that_changed(admin_client):
    judgment = make_judgment(grade="good")
    assessment = judgment.assessment
    save(admin_client, assessment, observations="Crime is recorded accurately.")
    save(
        admin_client,
        assessment,
        observations="Crime is not recorded accurately.",
        working_arrangements="Shared with Essex.",
        **{"pillar_judgments-0-grade": "requires-improvement"},
    )
    second, first = Version.objects.get_for_object(assessment)

    # Chosen either way round, the older revision goes on the left.
    response = admin_client.get(url(assessment, "compare"), {"older": second.pk, "newer": first.pk})

    assert response.status_code == 200
    [item, judgment_item] = response.context["comparison"].items
    changed = {row.label: (row.older, row.newer) for row in item.rows if row.changed}
    assert changed == {
        "HMI’s observations": ("Crime is recorded accurately.", "Crime is not recorded accurately."),
        "Working arrangements": ("", "Shared with Essex."),
    }
    assert [row.label for row in judgment_item.rows] == ["Grade"]
    page = text_of(response)
    assert "HMI’s observations Crime is recorded accurately. Crime is not recorded accurately. Changed" in page
    assert "Force " + str(assessment.force) + " " + str(assessment.force) + " —" in page  # shown, not changed
    assert "Grade Good Requires improvement Changed" in page


def test_comparing_a_revision_with_what_is_saved_now(admin_client):
    assessment = make_assessment()
    save(admin_client, assessment, looking_ahead="Next year: custody.")
    Assessment.objects.filter(pk=assessment.pk).update(looking_ahead="Next year: call handling.")
    [version] = Version.objects.get_for_object(assessment)

    page = text_of(admin_client.get(url(assessment, "compare"), {"older": version.pk, "newer": "live"}))

    assert "Looking ahead Next year: custody. Next year: call handling. Changed" in page
    assert "Saved now" in page


def test_a_revision_of_another_item_cannot_be_compared_or_restored_here(admin_client):
    mine, other = make_assessment(), make_assessment()
    save(admin_client, other, observations="Not yours.")
    [version] = Version.objects.get_for_object(other)

    assert admin_client.get(url(mine, "compare"), {"older": version.pk}).status_code == 404
    assert admin_client.get(url(mine, "revision", version.pk)).status_code == 404


def test_restoring_an_old_revision_loads_it_for_review_then_saves_it_as_a_draft_with_a_new_revision(admin_client):
    judgment = make_judgment(grade="good")
    assessment = judgment.assessment
    save(admin_client, assessment, observations="The original words.")
    save(admin_client, assessment, observations="Words to undo.", **{"pillar_judgments-0-grade": "inadequate"})
    old = Version.objects.get_for_object(assessment).last()

    review = admin_client.get(url(assessment, "revision", old.pk))

    assert review.status_code == 200
    form = review.context["adminform"].form
    assert form["observations"].value() == "The original words."
    assert "status" not in form.fields  # a state changes only through the publishing actions
    assert "Saving records it as a new revision and makes it a draft" in text_of(review)
    assessment.refresh_from_db()
    assert (assessment.observations, assessment.status) == ("Words to undo.", Status.DRAFT)  # only shown

    response = admin_client.post(
        url(assessment, "revision", old.pk), form_data(review, status=Status.PUBLISHED)
    )  # ignored

    assert response.status_code == 302
    assessment.refresh_from_db()
    judgment.refresh_from_db()
    assert (assessment.observations, assessment.status) == ("The original words.", Status.DRAFT)
    assert judgment.grade == "good"
    newest = Version.objects.get_for_object(assessment).first().revision
    assert newest.get_comment() == revisions.restored_comment(old.revision)
    assert newest.get_comment().startswith("Restored from the revision of ")


def test_a_restore_refused_because_someone_saved_meanwhile_puts_nothing_back(admin_client, jane):
    assessment = make_assessment()
    save(admin_client, assessment, observations="The original words.")
    save(admin_client, assessment, observations="The words now.")
    old = Version.objects.get_for_object(assessment).last()
    review = admin_client.get(url(assessment, "revision", old.pk))
    save(signed_in(jane), assessment, observations="Jane’s words.")

    response = admin_client.post(url(assessment, "revision", old.pk), form_data(review))

    assert "Someone else saved this assessment" in text_of(response)
    assessment.refresh_from_db()
    assert (assessment.observations, assessment.status) == ("Jane’s words.", Status.DRAFT)


def test_restoring_puts_back_only_this_item_though_its_revision_held_others():
    first = make_assessment(observations="First, as loaded.")
    second = make_assessment(observations="Second, as loaded.")
    with revisions.recorded(revisions.LOADED_FROM_FILES):
        first.save()
        second.save()
    Assessment.objects.update(observations="Edited since.", status=Status.PUBLISHED)
    [version] = Version.objects.get_for_object(first)

    revisions.restore(first, version)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.observations, first.status) == ("First, as loaded.", Status.DRAFT)
    assert (second.observations, second.status) == ("Edited since.", Status.PUBLISHED)


def test_a_save_over_someone_elses_newer_save_is_refused_and_changes_nothing(admin_client, jane):
    judgment = make_judgment(grade="good")
    assessment = judgment.assessment
    save(admin_client, assessment, observations="Before either of them.")
    janes_client = signed_in(jane)
    janes_page = janes_client.get(url(assessment, "change"))
    my_page = admin_client.get(url(assessment, "change"))

    janes_data = form_data(janes_page, observations="Jane’s.", live_change_reason="Her correction")
    janes_save = janes_client.post(url(assessment, "change"), janes_data)
    assert janes_save.status_code == 302
    revisions_before = Revision.objects.count()
    response = admin_client.post(
        url(assessment, "change"),
        form_data(
            my_page, observations="Mine.", live_change_reason="Mine", **{"pillar_judgments-0-grade": "inadequate"}
        ),
    )

    assert response.status_code == 200
    message = re.search(r"Someone else saved this assessment at \d\d:\d\d \(Jane\)\.", text_of(response))
    assert message, text_of(response)
    assert "Your changes were not saved: copy them, reload the page and make them again." in text_of(response)
    assessment.refresh_from_db()
    judgment.refresh_from_db()
    assert (assessment.observations, judgment.grade) == ("Jane’s.", "good")
    assert Revision.objects.count() == revisions_before
    # Saving the refused form again is refused again: it still carries the revision it was opened at.
    assert admin_client.post(url(assessment, "change"), form_data(response)).status_code == 200


def test_a_save_of_a_judgment_in_its_own_page_makes_an_open_assessment_form_stale(admin_client, jane):
    judgment = make_judgment(grade="good")
    my_page = admin_client.get(url(judgment.assessment, "change"))

    save(signed_in(jane), judgment, summary="Jane’s summary.")
    response = admin_client.post(url(judgment.assessment, "change"), form_data(my_page, observations="Mine."))

    assert "Someone else saved this assessment" in text_of(response)


def test_a_form_opened_after_the_last_save_saves(admin_client):
    force = make_force()
    save(admin_client, force, name="Testshire Constabulary")
    assert save(admin_client, force, name="Testshire Police Service").status_code == 302
    assert Force.objects.get(pk=force.pk).name == "Testshire Police Service"


@pytest.fixture
def viewer(django_user_model):
    """Staff who may look at assessments but not change them."""
    user = django_user_model.objects.create_user("viewer", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_assessment"))
    return user


def test_staff_who_may_only_view_see_history_and_comparisons_but_cannot_restore(admin_client, viewer):
    assessment = make_assessment()
    save(admin_client, assessment, observations="The original words.")
    save(admin_client, assessment, observations="The words now.")
    old = Version.objects.get_for_object(assessment).last()
    client = signed_in(viewer)

    history = text_of(client.get(url(assessment, "history")))
    assert "Compare with what is saved now" in history
    assert "Restore" not in history
    assert client.get(url(assessment, "compare"), {"older": old.pk}).status_code == 200

    assert client.get(url(assessment, "revision", old.pk)).status_code == 403
    assert client.post(url(assessment, "revision", old.pk), {"observations": "x"}).status_code == 403
    assessment.refresh_from_db()
    assert (assessment.observations, assessment.status) == ("The words now.", Status.DRAFT)


def test_staff_without_view_permission_see_no_history_or_comparison(admin_client, django_user_model):
    assessment = make_assessment()
    save(admin_client, assessment, observations="Private.")
    [version] = Version.objects.get_for_object(assessment)
    client = signed_in(django_user_model.objects.create_user("other", is_staff=True))

    assert client.get(url(assessment, "history")).status_code == 403
    assert client.get(url(assessment, "compare"), {"older": version.pk}).status_code == 403
    assert Client().get(url(assessment, "compare"), {"older": version.pk}).status_code == 302  # to sign in


def test_the_data_loader_records_what_it_changes_as_one_revision(peel_data):
    [loaded] = Revision.objects.all()
    assert (loaded.comment, loaded.user) == ("Loaded from data files", None)
    kent = Assessment.objects.get(force__slug="kent", year__slug="2016")
    assert Version.objects.get_for_object(kent).get().revision == loaded

    call_command("load_peel_data", stdout=StringIO())
    assert Revision.objects.count() == 1  # nothing changed, nothing recorded

    Assessment.objects.filter(pk=kent.pk).update(report_url="")
    call_command("load_peel_data", stdout=StringIO())
    reload = Revision.objects.latest("pk")
    assert reload.comment == "Loaded from data files"
    held = {(v._model, v.object_id) for v in reload.version_set.all()}
    assert held == {(type(m), str(m.pk)) for m in revisions.family(kent)}  # the assessment, whole


def test_restoring_removes_rows_added_since_and_publishes_none_of_them():
    kept = make_judgment(status=Status.PUBLISHED)
    assessment = kept.assessment
    with revisions.recorded("Before the new judgment"):
        assessment.save()
    with revisions.recorded("A judgment added"):
        added = make_judgment(assessment=assessment)
    never_recorded = make_judgment(assessment=assessment)
    PillarJudgment.objects.filter(pk=kept.pk).update(status=Status.DRAFT, grade="inadequate")
    version = Version.objects.get_for_object(assessment).get(revision__comment="Before the new judgment")

    revisions.restore(assessment, version)

    kept.refresh_from_db()
    assert (kept.grade, kept.status) == ("good", Status.DRAFT)  # its values come back, its status stays
    assert not PillarJudgment.objects.filter(pk=added.pk).exists()
    assert PillarJudgment.objects.filter(pk=never_recorded.pk).exists()  # no proof it came later: left alone
    assert Assessment.objects.get(pk=assessment.pk).status == Status.DRAFT


def test_line_breaks_sent_by_a_browser_are_not_a_change():
    assessment = make_assessment(observations="One.\nTwo.")
    with revisions.recorded("Loaded"):
        assessment.save()
    Assessment.objects.filter(pk=assessment.pk).update(observations="One.\r\nTwo.")
    [version] = Version.objects.get_for_object(assessment)

    assert not revisions.compare(Assessment.objects.get(pk=assessment.pk), version).changed
