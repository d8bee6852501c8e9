"""An Atom feed of the assessments most recently published or changed, for readers who follow the site."""

from django.contrib.syndication.views import Feed
from django.db.models import BigIntegerField, Case, OuterRef, Q, Subquery, When
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from peel.publishing.changes import published_notes
from peel.publishing.models import ChangeNote

from .models import Assessment, PillarJudgment

INSPECTORATE = "HM Inspectorate of Constabulary and Fire & Rescue Services"

# What a note's entry needs from the page it is about: (from an assessment, from a pillar judgment).
PAGE_FIELDS = {
    "page_force": ("force__short_name", "assessment__force__short_name"),
    "page_force_slug": ("force__slug", "assessment__force__slug"),
    "page_year": ("year__title", "assessment__year__title"),
    "page_year_slug": ("year__slug", "assessment__year__slug"),
    "page_pillar_slug": (None, "pillar__slug"),
}


def _is(model):
    return Q(content_type__app_label=model._meta.app_label, content_type__model=model._meta.model_name)


def _read(model, field):
    # Only a note about a ``model`` reaches this (see the When below), so its object id is a number.
    item = model.objects.filter(pk=Cast(OuterRef("object_id"), BigIntegerField())).order_by()
    return Subquery(item.values(field)[:1])


def _page_fields():
    """Annotations naming the page each note is about, read in the notes' own query."""
    fields = {}
    for name, (from_assessment, from_judgment) in PAGE_FIELDS.items():
        whens = [When(_is(PillarJudgment), then=_read(PillarJudgment, from_judgment))]
        if from_assessment:
            whens.append(When(_is(Assessment), then=_read(Assessment, from_assessment)))
        fields[name] = Case(*whens)
    return fields


class AssessmentFeed(Feed):
    """The 50 newest of the published assessments (by when they last changed) and the major changes to them and
    their pillar judgments (by when the change went public), newest first: an assessment with its grades in
    words, a change with what changed.

    Three queries however many there are: the assessments with their force and year, their published pillar
    judgments with the pillars, and the changes with the names of their pages.
    """

    feed_type = Atom1Feed
    limit = 50
    title = "PEEL assessments: new and changed"
    subtitle = "Police forces’ PEEL assessments as they are published or changed on this site, newest first."
    author_name = INSPECTORATE

    def link(self):
        return reverse("home")

    def items(self):
        assessments = Assessment.objects.published().with_grades().order_by("-updated_at", "-pk")[: self.limit]
        notes = published_notes(Assessment.objects.published(), PillarJudgment.objects.published())
        entries = [*assessments, *notes.annotate(**_page_fields())[: self.limit]]
        # sorted() keeps the order of equals: an assessment before a change at the same moment.
        return sorted(entries, key=self.item_updateddate, reverse=True)[: self.limit]

    def item_title(self, item):
        # Atom titles are plain text, so "Devon & Cornwall" is written as it is, not escaped twice.
        if isinstance(item, ChangeNote):
            return f"{item.page_force} {item.page_year}: {item.note}"
        return f"{item.force.short_name} {item.year.title}"

    def item_link(self, item):
        if not isinstance(item, ChangeNote):
            return item.get_absolute_url()
        # The page opened at the note: unique to the entry, so each entry's id (its link) is its own too.
        page = {"force": item.page_force_slug, "year": item.page_year_slug}
        if item.page_pillar_slug:
            url = reverse("inspections:pillar-detail", kwargs=page | {"pillar": item.page_pillar_slug})
        else:
            url = reverse("inspections:assessment-detail", kwargs=page)
        return f"{url}#change-{item.pk}"

    def item_description(self, item):
        # Atom summaries are HTML: escape the words so a name with "&" reads correctly.
        if isinstance(item, ChangeNote):
            return escape(item.note)
        grades = [f"{j.pillar.name}: {j.grade_status[1]}." for j in item.published_judgments]
        return escape(" ".join(grades) or "No grades are recorded on this site for this assessment yet.")

    def item_updateddate(self, item):
        return item.made_at if isinstance(item, ChangeNote) else item.updated_at

    def item_author_name(self, item):
        return INSPECTORATE
