"""Who may move an item between states, by every route: the workflow itself, the admin's buttons and actions,
and crafted POSTs."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from inspections.models import Assessment, PillarJudgment
from peel.publishing import Status, workflow
from peel.publishing.models import AuditEntry
from peel.publishing.roles import Refused
from tests.factories import make_assessment, make_judgment, make_year
from tests.peel.admin_forms import form_data

pytestmark = pytest.mark.django_db


def draft_assessment(by=None, **overrides):
    year = overrides.pop("year", None) or make_year()
    assessment = make_assessment(year=year, status=Status.DRAFT, changed_by=by, **overrides)
    make_judgment(assessment=assessment, status=Status.DRAFT, changed_by=by)
    return assessment


def in_review(by):
    assessment = draft_assessment(by=by)
    workflow.send_for_review(assessment, by)
    return Assessment.objects.get(pk=assessment.pk)


def public_assessments():
    return set(Assessment.objects.published().values_list("pk", flat=True))


def admin_url(obj, view, *args):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{view}", args=args)


# The roles the data migration makes.


def test_editors_may_write_but_not_publish(editor):
    assert editor.has_perm("inspections.change_assessment")
    assert editor.has_perm("inspections.add_pillarjudgment")
    for model in ["inspectionyear", "assessment", "pillarjudgment", "report"]:
        assert not editor.has_perm(f"inspections.publish_{model}")
    assert not editor.has_perm("consultations.publish_consultation")
    assert not editor.has_perm("peel.publish_release")
    assert not editor.has_perm("peel.add_previewlink")


def test_publishers_may_publish_every_kind_of_item(publisher):
    for model in ["inspectionyear", "assessment", "pillarjudgment", "report"]:
        assert publisher.has_perm(f"inspections.publish_{model}")
    assert publisher.has_perm("consultations.publish_consultation")
    assert publisher.has_perm("peel.publish_release")


# The workflow itself.


def test_an_editor_sends_a_draft_for_review_with_its_judgments(editor):
    assessment = draft_assessment(by=editor)
    workflow.send_for_review(assessment, editor)
    assert Assessment.objects.get(pk=assessment.pk).status == Status.REVIEW
    assert set(PillarJudgment.objects.filter(assessment=assessment).values_list("status", flat=True)) == {"review"}
    assert AuditEntry.objects.filter(action="submitted", username="edna").count() == 2


@pytest.mark.parametrize("action", ["approve", "withdraw"])
def test_an_editor_cannot_approve_or_withdraw(editor, action):
    assessment = in_review(editor)
    with pytest.raises(Refused, match="ask a publisher"):
        if action == "approve":
            workflow.approve(assessment, editor)
        else:
            workflow.withdraw(assessment, editor, "A reason")
    assert Assessment.objects.get(pk=assessment.pk).status == Status.REVIEW
    assert not public_assessments()


def test_a_second_publisher_approves_an_editors_work_and_it_is_public_at_once(editor, publisher):
    assessment = in_review(editor)
    done = workflow.approve(assessment, publisher)
    assert not done.forced
    assessment.refresh_from_db()
    assert assessment.status == Status.PUBLISHED and assessment.approved_by == publisher
    assert public_assessments() == {assessment.pk}
    assert PillarJudgment.objects.published().count() == 1
    entries = AuditEntry.objects.filter(object_id=str(assessment.pk), content_type__model="assessment")
    assert list(entries.values_list("action", "username")) == [("published", "pat"), ("submitted", "edna")]


def test_a_publisher_cannot_approve_their_own_edit_without_a_reason(publisher):
    assessment = in_review(publisher)
    with pytest.raises(Refused, match="another publisher must approve it"):
        workflow.approve(assessment, publisher)
    assert not public_assessments()


def test_forcing_ones_own_edit_out_is_recorded_and_flagged(publisher):
    assessment = in_review(publisher)
    done = workflow.approve(assessment, publisher, force_reason="Correction needed before the 7am briefing")
    assert done.forced
    assert public_assessments() == {assessment.pk}
    forced = AuditEntry.objects.get(action="forced")
    assert forced.needs_review and forced.detail == "Correction needed before the 7am briefing"
    assert forced.username == "pat" and forced.object_id == str(assessment.pk)


def test_a_scheduled_item_goes_public_at_its_time_with_nothing_to_run(editor, publisher):
    assessment = in_review(editor)
    at = timezone.now() + timedelta(hours=1)
    workflow.approve(assessment, publisher, at=at)
    assessment.refresh_from_db()
    assert assessment.status == Status.SCHEDULED and assessment.publish_at == at
    assert not public_assessments()
    assert not PillarJudgment.objects.published().exists()
    Assessment.objects.filter(pk=assessment.pk).update(publish_at=timezone.now() - timedelta(seconds=1))
    PillarJudgment.objects.update(publish_at=timezone.now() - timedelta(seconds=1))
    assert public_assessments() == {assessment.pk}
    assert PillarJudgment.objects.published().count() == 1


def test_only_an_item_in_review_can_be_approved(editor, publisher):
    assessment = draft_assessment(by=editor)
    with pytest.raises(Refused, match="only an item in review"):
        workflow.approve(assessment, publisher)


def test_withdrawing_needs_a_reason_and_takes_the_item_off_the_site(editor, publisher):
    assessment = in_review(editor)
    workflow.approve(assessment, publisher)
    with pytest.raises(Refused, match="Say why"):
        workflow.withdraw(assessment, publisher, "  ")
    workflow.withdraw(assessment, publisher, "Grade under appeal")
    assert not public_assessments()
    assert not PillarJudgment.objects.published().exists()  # hidden with its assessment
    assert AuditEntry.objects.get(action="withdrawn").detail == "Grade under appeal"


def test_a_public_item_cannot_be_returned_to_draft(editor, publisher):
    assessment = in_review(editor)
    workflow.approve(assessment, publisher)
    with pytest.raises(Refused, match="withdraw it instead"):
        workflow.return_to_draft(assessment, publisher)


def test_a_change_to_an_approved_item_sends_it_back_to_review(editor, publisher, client):
    assessment = in_review(editor)
    workflow.approve(assessment, publisher, at=timezone.now() + timedelta(days=1))
    client.force_login(editor)
    page = client.get(admin_url(assessment, "change", assessment.pk))
    data = form_data(page)
    data["observations"] = "New words nobody has approved."
    response = client.post(admin_url(assessment, "change", assessment.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assessment.refresh_from_db()
    assert assessment.status == Status.REVIEW and assessment.publish_at is None and assessment.approved_by is None


# The admin, by every route.


def test_the_change_form_has_no_state_field_so_a_crafted_post_cannot_publish(editor, client):
    assessment = draft_assessment(by=editor)
    client.force_login(editor)
    page = client.get(admin_url(assessment, "change", assessment.pk))
    assert 'name="status"' not in page.content.decode()
    data = form_data(page) | {"status": "published", "publish_at": "2020-01-01 00:00", "approved_by": editor.pk}
    response = client.post(admin_url(assessment, "change", assessment.pk), data)
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == Status.DRAFT and assessment.approved_by is None
    assert not public_assessments()


def test_an_editor_posting_to_the_approve_page_is_refused(editor, client):
    assessment = in_review(editor)
    client.force_login(editor)
    url = admin_url(assessment, "publishing", assessment.pk, "approve")
    assert client.get(url).status_code == 403
    assert client.post(url, {"when": "now"}).status_code == 403
    bulk = admin_url(assessment, "publishing_bulk", "withdraw") + f"?ids={assessment.pk}"
    assert client.post(bulk, {"reason": "No"}).status_code == 403
    assert not public_assessments()


def test_an_editor_is_not_offered_publishing_actions(editor, publisher, client):
    in_review(editor)
    client.force_login(editor)
    actions = client.get(reverse("admin:inspections_assessment_changelist")).context["action_form"]
    offered = {value for value, _ in actions.fields["action"].choices}
    assert "send_for_review" in offered
    assert not offered & {"approve_selected", "withdraw_selected", "add_to_release"}
    client.force_login(publisher)
    actions = client.get(reverse("admin:inspections_assessment_changelist")).context["action_form"]
    assert {"approve_selected", "withdraw_selected"} <= {value for value, _ in actions.fields["action"].choices}


def test_an_editor_choosing_a_publishing_action_by_hand_is_refused(editor, client):
    assessment = in_review(editor)
    client.force_login(editor)
    response = client.post(
        reverse("admin:inspections_assessment_changelist"),
        {"action": "approve_selected", "_selected_action": [assessment.pk]},
    )
    assert response.status_code in (200, 302)
    assert Assessment.objects.get(pk=assessment.pk).status == Status.REVIEW


def test_a_publisher_approves_through_the_admin(editor, publisher, client):
    assessment = in_review(editor)
    client.force_login(publisher)
    url = admin_url(assessment, "publishing", assessment.pk, "approve")
    page = client.get(url)
    assert page.status_code == 200 and str(assessment) in page.content.decode()
    response = client.post(url, {"when": "now"})
    assert response.status_code == 302
    assert public_assessments() == {assessment.pk}


def test_the_approve_page_refuses_a_time_in_the_past(editor, publisher, client):
    assessment = in_review(editor)
    client.force_login(publisher)
    url = admin_url(assessment, "publishing", assessment.pk, "approve")
    response = client.post(url, {"when": "later", "at": "2020-01-01T07:00"})
    assert response.status_code == 200
    assert "Choose a time in the future." in response.content.decode()
    assert Assessment.objects.get(pk=assessment.pk).status == Status.REVIEW


def test_bulk_approval_reports_each_refusal(editor, publisher, client):
    theirs, mine = in_review(editor), in_review(publisher)
    client.force_login(publisher)
    url = reverse("admin:inspections_assessment_publishing_bulk", args=["approve"]) + f"?ids={theirs.pk},{mine.pk}"
    response = client.post(url, {"when": "now"}, follow=True)
    text = response.content.decode()
    assert f"Approved: {theirs}." in text
    assert "another publisher must approve it" in text
    assert public_assessments() == {theirs.pk}


def test_an_editor_cannot_delete_anything_but_a_draft(editor, publisher, client):
    assessment = in_review(editor)
    client.force_login(editor)
    assert client.post(admin_url(assessment, "delete", assessment.pk), {"post": "yes"}).status_code == 403
    assert Assessment.objects.filter(pk=assessment.pk).exists()


def test_the_audit_log_is_read_only_and_outlives_its_items(editor, publisher, client):
    assessment = in_review(editor)
    workflow.approve(assessment, publisher)
    name = str(assessment)
    workflow.withdraw(assessment, publisher, "Published in error")
    Assessment.objects.filter(pk=assessment.pk).delete()
    client.force_login(publisher)
    page = client.get(reverse("admin:peel_auditentry_changelist") + "?action__exact=withdrawn")
    assert page.status_code == 200
    assert name in page.content.decode() and "Published in error" in page.content.decode()
    entry = AuditEntry.objects.get(action="withdrawn")
    assert client.post(reverse("admin:peel_auditentry_change", args=[entry.pk]), {"detail": "x"}).status_code == 403
    assert client.post(reverse("admin:peel_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403


def test_an_editor_cannot_change_the_pillars_or_questions_of_a_public_year(editor, client):
    from tests.factories import make_pillar, make_question

    public, draft = make_year(), make_year(status=Status.DRAFT)
    live_question, draft_question = (
        make_question(pillar=make_pillar(year=public)),
        make_question(pillar=make_pillar(year=draft)),
    )
    client.force_login(editor)
    for question, allowed in [(live_question, False), (draft_question, True)]:
        for obj in (question.pillar, question):
            page = client.get(admin_url(obj, "change", obj.pk)).content.decode()
            assert ('name="_save"' in page) is allowed, obj
    assert client.post(admin_url(live_question, "change", live_question.pk), {"text": "Changed?"}).status_code == 403


def test_a_publishers_change_to_a_public_years_pillar_is_flagged_for_a_second_look(publisher, client):
    from tests.factories import make_pillar

    pillar = make_pillar(name="Effectiveness")
    client.force_login(publisher)
    url = admin_url(pillar, "change", pillar.pk)
    data = form_data(client.get(url)) | {"name": "Effectiveness (corrected)"}
    assert client.post(url, data).status_code == 302
    entry = AuditEntry.objects.get(action="changed-live")
    assert entry.needs_review and entry.object_id == str(pillar.year_id) and "name" in entry.detail
