import pytest
from django.contrib import admin
from django.urls import reverse

from inspections.models import Assessment, PillarJudgment
from peel.publishing import Status
from tests.factories import make_assessment, make_judgment, make_pillar, make_question

OUR_APPS = {"forces", "inspections"}  # the consultations admin has its own tests (tests/consultations)
MODELS = [model for model in admin.site._registry if model._meta.app_label in OUR_APPS]


def test_every_model_of_ours_is_in_the_admin():
    from django.apps import apps

    ours = {m for m in apps.get_models() if m._meta.app_label in OUR_APPS}
    assert ours == set(MODELS)


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_admin_list_search_add_and_change_pages_load(admin_client, peel_data, model):
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    assert admin_client.get(admin_url(model, "changelist"), {"q": "kent"}).status_code == 200
    assert admin_client.get(admin_url(model, "add")).status_code == 200
    assert admin_client.get(admin_url(model, "change", model.objects.first().pk)).status_code == 200


@pytest.mark.django_db
def test_staff_without_permissions_and_the_public_cannot_reach_the_admin(client, django_user_model):
    assert client.get(admin_url(Assessment, "changelist")).status_code == 302
    client.force_login(django_user_model.objects.create_user("editor", is_staff=True))
    assert client.get(admin_url(Assessment, "changelist")).status_code == 403


def inline_form(assessment, judgment, **changes):
    """The assessment's change form as the browser would post it, with changes to its one pillar judgment."""
    data = {
        "force": assessment.force_id,
        "year": assessment.year_id,
        "inspector": "",
        "status": assessment.status,
        "report_url": "",
        "narrative_origin": assessment.narrative_origin,
        "observations": "",
        "force_in_context": "",
        "working_arrangements": "",
        "looking_ahead": "",
        "pillar_judgments-TOTAL_FORMS": "1",
        "pillar_judgments-INITIAL_FORMS": "1",
        "pillar_judgments-MIN_NUM_FORMS": "0",
        "pillar_judgments-MAX_NUM_FORMS": "1000",
        "pillar_judgments-0-id": judgment.pk,
        "pillar_judgments-0-assessment": assessment.pk,
        "pillar_judgments-0-pillar": judgment.pillar_id,
        "pillar_judgments-0-grade": judgment.grade,
        "pillar_judgments-0-status": judgment.status,
        "pillar_judgments-0-last_updated": "",
        "pillar_judgments-0-summary": "",
        "pillar_judgments-0-body": "",
        "pillar_judgments-0-source_url": "",
    }
    return data | {f"pillar_judgments-0-{k}": v for k, v in changes.items()}


@pytest.mark.django_db
def test_a_grade_the_years_scale_does_not_use_is_refused_on_the_field(admin_client):
    judgment = make_judgment(grade="good")
    assessment = judgment.assessment
    url = reverse("admin:inspections_assessment_change", args=[assessment.pk])
    response = admin_client.post(url, inline_form(assessment, judgment, grade="adequate"))
    assert response.status_code == 200
    assert "does not use “adequate”" in response.content.decode()
    judgment.refresh_from_db()
    assert judgment.grade == "good"


@pytest.mark.django_db
def test_an_assessment_and_its_judgments_save_together(admin_client):
    # A draft: saving a public one proposes the change instead (tests/peel/test_proposals.py).
    judgment = make_judgment(grade="good", assessment=make_assessment(status=Status.DRAFT))
    assessment = judgment.assessment
    url = reverse("admin:inspections_assessment_change", args=[assessment.pk])
    data = inline_form(assessment, judgment, grade="outstanding") | {"observations": "Much improved."}
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assessment.refresh_from_db()
    judgment.refresh_from_db()
    assert (assessment.observations, judgment.grade) == ("Much improved.", "outstanding")


@pytest.mark.django_db
def test_adding_a_second_assessment_for_a_force_and_year_is_refused_with_a_message(admin_client):
    existing = make_assessment()
    response = admin_client.post(
        reverse("admin:inspections_assessment_add"),
        {
            "force": existing.force_id,
            "year": existing.year_id,
            "status": "draft",
            "pillar_judgments-TOTAL_FORMS": "0",
            "pillar_judgments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert Assessment.objects.count() == 1


@pytest.mark.django_db
def test_a_new_assessment_with_a_judgment_is_checked_against_its_year(admin_client):
    year_pillar = make_pillar()
    response = admin_client.post(
        reverse("admin:inspections_assessment_add"),
        {
            "force": make_assessment().force_id,
            "year": year_pillar.year_id,
            "status": "draft",
            "pillar_judgments-TOTAL_FORMS": "1",
            "pillar_judgments-INITIAL_FORMS": "0",
            "pillar_judgments-0-pillar": year_pillar.pk,
            "pillar_judgments-0-grade": "adequate",
            "pillar_judgments-0-status": "draft",
        },
    )
    assert response.status_code == 200
    assert "does not use “adequate”" in response.content.decode()
    assert not PillarJudgment.objects.filter(pillar=year_pillar).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("grade", ["good", ""])
def test_a_new_assessment_with_no_year_and_a_judgment_shows_field_errors(admin_client, grade):
    pillar = make_pillar()
    response = admin_client.post(
        reverse("admin:inspections_assessment_add"),
        {
            "force": make_assessment().force_id,
            "year": "",
            "status": "draft",
            "pillar_judgments-TOTAL_FORMS": "1",
            "pillar_judgments-INITIAL_FORMS": "0",
            "pillar_judgments-0-pillar": pillar.pk,
            "pillar_judgments-0-grade": grade,
            "pillar_judgments-0-status": "draft",
        },
    )
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert Assessment.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("blank", ["assessment", "pillar", "both"])
def test_a_new_pillar_judgment_with_a_blank_parent_and_a_question_shows_field_errors(admin_client, blank):
    judgment = make_judgment()
    question = make_question(pillar=judgment.pillar)
    data = {
        "assessment": "" if blank in ("assessment", "both") else judgment.assessment_id,
        "pillar": "" if blank in ("pillar", "both") else judgment.pillar_id,
        "grade": "good",
        "status": "draft",
        "question_judgments-TOTAL_FORMS": "1",
        "question_judgments-INITIAL_FORMS": "0",
        "question_judgments-0-question": question.pk,
        "question_judgments-0-grade": "good",
    }
    response = admin_client.post(reverse("admin:inspections_pillarjudgment_add"), data)
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert PillarJudgment.objects.count() == 1
