"""An Atom feed of the assessments most recently published or changed, for readers who follow the site."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from .models import Assessment

INSPECTORATE = "HM Inspectorate of Constabulary and Fire & Rescue Services"


class AssessmentFeed(Feed):
    """The 50 published assessments changed most recently, newest first, each with its grades in words.

    Two queries however many there are: the assessments with their force and year, then their published
    pillar judgments with the pillars.
    """

    feed_type = Atom1Feed
    limit = 50
    title = "PEEL assessments: new and changed"
    subtitle = "Police forces’ PEEL assessments as they are published or changed on this site, newest first."
    author_name = INSPECTORATE

    def link(self):
        return reverse("home")

    def items(self):
        return Assessment.objects.published().with_grades().order_by("-updated_at", "-pk")[: self.limit]

    def item_title(self, assessment):
        # Atom titles are plain text, so "Devon & Cornwall" is written as it is, not escaped twice.
        return f"{assessment.force.short_name} {assessment.year.title}"

    def item_description(self, assessment):
        # Atom summaries are HTML: escape the words so a name with "&" reads correctly.
        grades = [f"{j.pillar.name}: {j.grade_status[1]}." for j in assessment.published_judgments]
        return escape(" ".join(grades) or "No grades are recorded on this site for this assessment yet.")

    def item_updateddate(self, assessment):
        return assessment.updated_at

    def item_author_name(self, assessment):
        return INSPECTORATE
