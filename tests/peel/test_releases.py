"""A release goes out whole at its time, or not at all."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from inspections.models import Assessment, PillarJudgment
from peel.publishing import Status, releases, workflow
from peel.publishing.models import AuditEntry, Release
from peel.publishing.roles import Refused
from tests.factories import make_assessment, make_judgment, make_pillar, make_year

pytestmark = pytest.mark.django_db


@pytest.fixture
def efficiency_day(editor):
    """Efficiency grades for three forces, written by an editor and sent for review, in a published year whose
    assessments are public already: the judgments are what goes out."""
    year = make_year()
    pillar = make_pillar(year=year, name="Efficiency", kind="efficiency")
    judgments = []
    for _ in range(3):
        assessment = make_assessment(year=year, status=Status.PUBLISHED)
        judgment = make_judgment(assessment=assessment, pillar=pillar, status=Status.DRAFT, changed_by=editor)
        workflow.send_for_review(judgment, editor)
        judgments.append(PillarJudgment.objects.get(pk=judgment.pk))
    return judgments


def release_of(judgments, publisher, at):
    release = Release.objects.create(title="PEEL efficiency, all forces", created_by=publisher)
    releases.add(release, judgments, publisher)
    releases.schedule(release, at, publisher)
    return Release.objects.get(pk=release.pk)


def pass_time(release):
    """Move the release's moment (and its items', where they carry it) into the past."""
    moment = timezone.now() - timedelta(seconds=1)
    Release.objects.filter(pk=release.pk).update(publish_at=moment)
    PillarJudgment.objects.filter(release=release, publish_at__isnull=False).update(publish_at=moment)


def public_judgments():
    return set(PillarJudgment.objects.published().values_list("pk", flat=True))


def approve(judgments, publisher):
    for judgment in judgments:
        workflow.approve(PillarJudgment.objects.get(pk=judgment.pk), publisher)


def test_with_one_item_unapproved_nothing_goes_out(efficiency_day, publisher):
    release = release_of(efficiency_day, publisher, timezone.now() + timedelta(hours=1))
    approve(efficiency_day[:2], publisher)
    release.refresh_from_db()
    assert not release.ready
    assert releases.blockers(release) == [efficiency_day[2]]
    pass_time(release)
    assert public_judgments() == set()


def test_with_every_item_approved_all_go_out_together_at_the_time(efficiency_day, publisher):
    at = timezone.now() + timedelta(hours=1)
    release = release_of(efficiency_day, publisher, at)
    approve(efficiency_day, publisher)
    release.refresh_from_db()
    assert release.ready
    assert public_judgments() == set()  # not before its time
    assert set(PillarJudgment.objects.values_list("publish_at", flat=True)) == {at}
    pass_time(release)
    assert public_judgments() == {j.pk for j in efficiency_day}


def test_approving_a_release_item_never_publishes_it_alone(efficiency_day, publisher):
    release_of(efficiency_day, publisher, timezone.now() + timedelta(hours=1))
    workflow.approve(efficiency_day[0], publisher)  # "now" is ignored for an item in a release
    judgment = PillarJudgment.objects.get(pk=efficiency_day[0].pk)
    assert judgment.status == Status.SCHEDULED and judgment.publish_at is None
    assert public_judgments() == set()


def test_an_item_sent_back_to_draft_holds_the_whole_release_again(efficiency_day, publisher):
    release = release_of(efficiency_day, publisher, timezone.now() + timedelta(hours=1))
    approve(efficiency_day, publisher)
    workflow.return_to_draft(PillarJudgment.objects.get(pk=efficiency_day[1].pk), publisher, "Wrong grade")
    release.refresh_from_db()
    assert not release.ready
    assert set(PillarJudgment.objects.values_list("publish_at", flat=True)) == {None}
    pass_time(release)
    assert public_judgments() == set()


def test_a_release_held_past_its_time_does_not_go_out_late(efficiency_day, publisher):
    release = release_of(efficiency_day, publisher, timezone.now() + timedelta(hours=1))
    approve(efficiency_day[:2], publisher)
    pass_time(release)
    approve(efficiency_day[2:], publisher)  # approved after the time passed
    release.refresh_from_db()
    assert not release.ready
    assert public_judgments() == set()
    releases.schedule(release, timezone.now() + timedelta(minutes=5), publisher)
    assert Release.objects.get(pk=release.pk).ready


def test_once_out_a_release_stays_out_when_one_item_is_withdrawn(efficiency_day, publisher):
    release = release_of(efficiency_day, publisher, timezone.now() + timedelta(hours=1))
    approve(efficiency_day, publisher)
    pass_time(release)
    releases.settle_due()
    assert Release.objects.get(pk=release.pk).state == Release.State.RELEASED
    assert set(PillarJudgment.objects.values_list("status", flat=True)) == {Status.PUBLISHED}
    workflow.withdraw(PillarJudgment.objects.get(pk=efficiency_day[0].pk), publisher, "Appeal upheld")
    assert public_judgments() == {j.pk for j in efficiency_day[1:]}
    assert AuditEntry.objects.filter(action="released").count() == 1


def test_a_public_item_cannot_join_a_release(publisher):
    judgment = make_judgment()
    release = Release.objects.create(title="Later")
    with pytest.raises(Refused, match="Already public"):
        releases.add(release, [judgment], publisher)


def test_an_editor_cannot_plan_or_schedule_a_release(editor, efficiency_day):
    release = Release.objects.create(title="Later")
    with pytest.raises(Refused):
        releases.add(release, efficiency_day, editor)
    with pytest.raises(Refused):
        releases.schedule(release, timezone.now() + timedelta(hours=1), editor)


def test_the_release_page_names_what_holds_it(efficiency_day, publisher, client):
    release = release_of(efficiency_day, publisher, timezone.now() + timedelta(hours=1))
    approve(efficiency_day[:2], publisher)
    client.force_login(publisher)
    page = client.get(reverse("admin:peel_release_change", args=[release.pk])).content.decode()
    assert "Holding it back" in page
    assert str(efficiency_day[2]) in page.split("Holding it back")[1].split("</ul>")[0]
    assert (
        "Scheduled, held: not every item is approved"
        in client.get(reverse("admin:peel_release_changelist")).content.decode()
    )


def test_a_publisher_schedules_a_release_in_the_admin(efficiency_day, publisher, editor, client):
    release = Release.objects.create(title="PEEL efficiency, all forces")
    client.force_login(publisher)
    bulk = reverse("admin:inspections_pillarjudgment_publishing_bulk", args=["release"])
    ids = ",".join(str(j.pk) for j in efficiency_day)
    assert client.post(f"{bulk}?ids={ids}", {"release": release.pk}).status_code == 302
    assert PillarJudgment.objects.filter(release=release).count() == 3
    url = reverse("admin:peel_release_schedule", args=[release.pk])
    moment = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"at": moment}, follow=True)
    assert "will not go out unless these are approved first" in response.content.decode()
    client.force_login(editor)
    assert client.post(url, {"at": moment}).status_code == 403


def test_a_year_and_its_assessments_can_go_out_in_one_release(editor, publisher):
    year = make_year(status=Status.DRAFT, changed_by=editor)
    assessment = make_assessment(year=year, status=Status.DRAFT, changed_by=editor)
    make_judgment(assessment=assessment, status=Status.DRAFT, changed_by=editor)
    release = Release.objects.create(title="PEEL 2027")
    releases.add(release, [year, assessment], publisher)
    workflow.send_for_review(year, editor)
    workflow.send_for_review(Assessment.objects.get(pk=assessment.pk), editor)
    releases.schedule(release, timezone.now() + timedelta(hours=1), publisher)
    for item in (year, assessment):
        workflow.approve(type(item).objects.get(pk=item.pk), publisher)
    assert Release.objects.get(pk=release.pk).ready
    pass_time(release)
    moment = Release.objects.get(pk=release.pk).publish_at
    type(year).objects.filter(pk=year.pk).update(publish_at=moment)
    Assessment.objects.filter(pk=assessment.pk).update(publish_at=moment)
    assert Assessment.objects.published().filter(pk=assessment.pk).exists()
    assert PillarJudgment.objects.published().filter(assessment=assessment).exists()
