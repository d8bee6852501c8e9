import os
from types import SimpleNamespace

import pytest


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """The real published data and consultations, loaded once for a whole module (each test's own writes are
    rolled back to this, as the ``db`` fixture's transaction sits inside this one), with the slugs of real
    objects to put in addresses."""
    from django.core.management import call_command
    from django.db import transaction

    from consultations.models import Consultation, Phase
    from inspections.models import Assessment, PillarJudgment

    with django_db_blocker.unblock(), transaction.atomic():
        with open(os.devnull, "w") as quiet:
            call_command("load_peel_data", stdout=quiet)
            call_command("load_consultations", stdout=quiet)
        judgment = (
            PillarJudgment.objects.published()
            .select_related("assessment__force__region", "assessment__year", "pillar")
            .order_by("-assessment__year__first_year", "assessment__force__slug", "pillar__position")
            .first()
        )
        consultations = sorted(Consultation.objects.published(), key=lambda c: c.phase != Phase.OPEN)
        yield SimpleNamespace(
            year=judgment.assessment.year.slug,
            force=judgment.assessment.force.slug,
            region=judgment.assessment.force.region.slug,
            pillar=judgment.pillar.slug,
            open_consultation=consultations[0].slug,  # open for responses
            closed_consultation=consultations[-1].slug,  # its outcome published
            assessments=Assessment.objects.count(),
        )
        transaction.set_rollback(True)
