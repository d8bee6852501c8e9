"""A change to a public page is proposed, compared with the live page, and goes public only when a second
person, a publisher, approves it."""

import re

import pytest
from django.urls import reverse
from reversion.models import Version

from inspections.models import Assessment, PillarJudgment
from peel.publishing import Status, workflow
from peel.publishing.models import AuditEntry, ChangeNote, Proposal
from peel.publishing.roles import Refused
from tests.factories import make_assessment, make_judgment
from tests.inspections.test_views import text_of
from tests.peel.test_revisions import form_data as revision_form_data
from tests.peel.test_workflow import admin_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(editor):
    """A public assessment with one public judgment, last changed by the editor."""
    assessment = make_assessment(observations="The words on the site.", changed_by=editor)
    make_judgment(assessment=assessment, grade="good", summary="The live summary.", changed_by=editor)
    return assessment


def form_data(page, **changes):
    """What the browser posts back from a change form, with the proposal it was opened at."""
    seen = re.search(r'name="seen_proposal" value="(\d*)"', page.content.decode())
    return revision_form_data(page, seen_proposal=seen.group(1), **changes)


def propose(client, assessment, **changes):
    url = admin_url(assessment, "change", assessment.pk)
    return client.post(url, form_data(client.get(url), **changes))


def public_text(client, assessment):
    return text_of(client.get(assessment.get_absolute_url()))


def test_saving_a_public_page_proposes_the_change_and_leaves_the_page_alone(live, editor, client):
    client.force_login(editor)
    response = propose(
        client, live, observations="Proposed words.", **{"pillar_judgments-0-summary": "A proposed summary."}
    )
    assert response.status_code == 302
    follow = client.get(response.url)
    assert "is saved as a proposal. The public page is unchanged until a publisher approves it." in text_of(follow)
    assert "was changed successfully" not in text_of(follow)
    live.refresh_from_db()
    assert live.observations == "The words on the site."
    assert PillarJudgment.objects.get().summary == "The live summary."
    assert "The words on the site." in public_text(client, live)
    proposal = Proposal.objects.get()
    assert proposal.made_by == editor and "HMI’s observations" in proposal.summary
    assert not Version.objects.get_for_object(live).exists()  # the history holds what was public, not proposals
    assert AuditEntry.objects.filter(action="proposed", username="edna").exists()


def test_the_form_shows_the_proposal_to_build_on_and_a_second_save_keeps_both_edits(live, editor, client):
    client.force_login(editor)
    propose(client, live, observations="Proposed words.")
    page = client.get(admin_url(live, "change", live.pk))
    assert page.context["adminform"].form["observations"].value() == "Proposed words."
    assert "This form shows a proposed change" in text_of(page)
    propose(client, live, looking_ahead="Next year, custody.")
    assert Proposal.objects.count() == 1
    live.refresh_from_db()
    assert (live.observations, live.looking_ahead) == ("The words on the site.", "")
    comparison = client.get(admin_url(live, "proposal", live.pk))
    text = text_of(comparison)
    assert "Live now" in text and "Proposed" in text
    assert "Proposed words." in text and "Next year, custody." in text


def test_a_proposal_made_meanwhile_refuses_a_save_from_a_form_opened_before(live, editor, publisher, client):
    client.force_login(editor)
    url = admin_url(live, "change", live.pk)
    opened = client.get(url)
    other = type(client)()
    other.force_login(publisher)
    propose(other, live, observations="The publisher's words.")
    response = client.post(url, form_data(opened, observations="The editor's words."))
    assert response.status_code == 200
    assert "Someone else proposed a change to this page after you opened it." in text_of(response)
    assert response.context["adminform"].form["observations"].value() == "The editor's words."  # kept to copy
    again = client.post(url, form_data(response, observations="The editor's words."))
    assert "Someone else proposed a change" in text_of(again)
    assert workflow_proposal_words(live) == "The publisher's words."


def workflow_proposal_words(assessment):
    from peel.publishing import proposals

    return proposals.proposed_rows(proposals.pending(assessment))[0].observations


def test_a_publisher_approves_an_editors_proposal_and_only_then_is_it_public(live, editor, publisher, client):
    client.force_login(editor)
    propose(client, live, observations="Corrected words.", **{"pillar_judgments-0-grade": "outstanding"})
    url = admin_url(live, "publishing", live.pk, "approve-change")
    assert client.post(url, {}).status_code == 403
    client.force_login(publisher)
    response = client.post(url, {"change_kind": "major", "change_note": "Effectiveness grade corrected"})
    assert response.status_code == 302
    live.refresh_from_db()
    judgment = PillarJudgment.objects.get()
    assert live.observations == "Corrected words." and judgment.grade == "outstanding"
    assert (live.status, judgment.status) == (Status.PUBLISHED, Status.PUBLISHED)
    assert not Proposal.objects.exists()
    assert "Corrected words." in public_text(client, live)
    assert ChangeNote.objects.get().note == "Effectiveness grade corrected"
    assert Version.objects.get_for_object(live).first().revision.get_comment().startswith("Approved change: ")
    assert AuditEntry.objects.filter(action="change-approved", username="pat").exists()


def test_a_publisher_cannot_approve_their_own_proposal_without_a_reason(live, publisher):
    from django.test import Client

    client = Client()
    client.force_login(publisher)
    propose(client, live, observations="My own words.")
    with pytest.raises(Refused, match="another publisher must approve it"):
        workflow.approve_change(live, publisher)
    assert Assessment.objects.get().observations == "The words on the site."
    workflow.approve_change(live, publisher, force_reason="Legal correction due by 9am")
    assert Assessment.objects.get().observations == "My own words."
    assert AuditEntry.objects.get(action="forced").needs_review


def test_a_proposal_is_discarded_by_its_author_or_a_publisher_only(live, editor, publisher, client):
    from tests.conftest import staff_member

    client.force_login(editor)
    propose(client, live, observations="Second thoughts.")
    with pytest.raises(Refused, match="Only the person who proposed the change, or a publisher"):
        workflow.discard_change(live, staff_member("eric", "Editors"))
    workflow.discard_change(live, editor)
    assert not Proposal.objects.exists()
    assert Assessment.objects.get().observations == "The words on the site."


def test_a_public_page_form_neither_adds_nor_removes_rows(live, editor, client):
    client.force_login(editor)
    page = client.get(admin_url(live, "change", live.pk))
    formset = next(f for f in page.context["inline_admin_formsets"] if f.formset.prefix == "pillar_judgments")
    assert not formset.has_add_permission and not formset.has_delete_permission


def test_an_editor_cannot_restore_an_old_revision_of_a_public_page(live, editor, publisher, client):
    client.force_login(publisher)
    propose(client, live, observations="Approved words.")
    workflow.approve_change(live, publisher, force_reason="Test")
    version = Version.objects.get_for_object(live).first()
    client.force_login(editor)
    assert client.get(admin_url(live, "revision", live.pk, version.pk)).status_code == 403


def test_the_dashboard_lists_proposals_awaiting_approval(live, editor, publisher, client):
    client.force_login(editor)
    propose(client, live, observations="Awaiting approval.")
    client.force_login(publisher)
    text = text_of(client.get(reverse("admin:index")))
    assert "Proposed changes to public pages" in text and str(live) in text


def test_a_proposal_put_back_to_the_live_words_is_dropped(live, editor, client):
    client.force_login(editor)
    propose(client, live, observations="Proposed words.")
    assert Proposal.objects.get().summary.endswith("HMI’s observations")
    response = propose(client, live, observations="The words on the site.")
    assert "no change is waiting for approval" in text_of(client.get(response.url))
    assert not Proposal.objects.exists()


def test_saving_a_public_page_unchanged_proposes_nothing(live, editor, client):
    client.force_login(editor)
    propose(client, live)
    assert not Proposal.objects.exists()
