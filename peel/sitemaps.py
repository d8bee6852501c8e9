"""The sitemap: every public page, with when its content last changed where the content says so.

Each section is one query however much there is (the footer pages none), and reads only through the
``published()`` querysets, so a draft, or anything belonging to a draft, is never listed.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, OuterRef, Subquery
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from consultations.models import Consultation
from forces.models import Force
from inspections.models import Assessment, InspectionYear, PillarJudgment


def _urls(names):
    """The paths of the named pages that exist (a page still being added is simply left out)."""
    paths = []
    for name in names:
        try:
            paths.append(reverse(name))
        except NoReverseMatch:
            continue
    return paths


class ListingSitemap(Sitemap):
    """Pages that list forces, years and grades: they change whenever a published assessment does."""

    names = ["home", "forces:force-list", "inspections:year-list", "inspections:compare", "inspections:data"]

    def items(self):
        self.newest = Assessment.objects.published().aggregate(newest=Max("updated_at"))["newest"]
        return _urls(self.names)

    def location(self, item):
        return item

    def lastmod(self, item):
        return self.newest


class SitePagesSitemap(Sitemap):
    """What the grades mean, and the pages in every footer."""

    names = [
        "inspections:about-grades",
        "accessibility",
        "privacy",
        "cookies",
        "contact",
        "consultations:consultation-list",
    ]

    def items(self):
        return _urls(self.names)

    def location(self, item):
        return item


class ForceSitemap(Sitemap):
    """Every force's page, last changed when the newest of its published assessments was."""

    def items(self):
        newest = (
            Assessment.objects.published()
            .filter(force=OuterRef("pk"))
            .order_by()
            .values("force")
            .annotate(newest=Max("updated_at"))
            .values("newest")
        )
        return list(Force.objects.only("slug").annotate(lastmod=Subquery(newest)).order_by("short_name"))

    def lastmod(self, force):
        return force.lastmod


class YearSitemap(Sitemap):
    def items(self):
        return list(InspectionYear.objects.published().only("slug", "published_on").order_by("first_year"))

    def lastmod(self, year):
        return year.published_on


class AssessmentSitemap(Sitemap):
    def items(self):
        return list(
            Assessment.objects.published()
            .select_related("force", "year")
            .only("updated_at", "force__slug", "year__slug")
            .order_by("year__first_year", "force__short_name")
        )

    def lastmod(self, assessment):
        return assessment.updated_at


class PillarJudgmentSitemap(Sitemap):
    def items(self):
        return list(
            PillarJudgment.objects.published()
            .select_related("assessment__force", "assessment__year", "pillar")
            .only(
                "last_updated",
                "assessment__updated_at",
                "assessment__force__slug",
                "assessment__year__slug",
                "pillar__slug",
            )
            .order_by("assessment__year__first_year", "assessment__force__short_name", "pillar__position", "pk")
        )

    def lastmod(self, judgment):
        # A date for every item, so the section's newest can be worked out (dates and times do not compare).
        return judgment.last_updated or timezone.localdate(judgment.assessment.updated_at)


class ConsultationSitemap(Sitemap):
    """Published consultations, whatever their phase (upcoming, open, closed), dated by their last edit."""

    def items(self):
        return Consultation.objects.published().order_by("pk")

    def lastmod(self, consultation):
        return consultation.updated_at


SITEMAPS = {
    "listings": ListingSitemap,
    "pages": SitePagesSitemap,
    "forces": ForceSitemap,
    "years": YearSitemap,
    "assessments": AssessmentSitemap,
    "pillars": PillarJudgmentSitemap,
    "consultations": ConsultationSitemap,
}
