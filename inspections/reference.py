"""The published years and each year's pillars and questions, as nearly every page reads them: kept per content
token (``peel.caching.kept``), so that a page asks the database only for what is its own. Every object here is
shared by the requests of a process: read it, never change it.

Where nothing is kept (``PEEL_KEEP_SITE_FACTS`` off, or a preview), each function makes the fewest queries it
can for the one thing asked, so that a page's count stays as low as it was before anything was kept.
"""

from django.db.models import Count, Prefetch

from peel.caching.kept import keeping, kept

from .models import InspectionYear, Pillar, PillarJudgment, Question, Report


def years():
    """The published years, newest first."""
    return kept("years", lambda: list(InspectionYear.objects.published().order_by("-first_year")))


def published_years():
    """The published years, newest first, with their coverage (``InspectionYear.objects.coverage()``)."""
    return kept("published years", InspectionYear.objects.coverage)


def published_year(slug):
    """The published year with this slug, or None."""
    if not keeping():
        return InspectionYear.objects.published().filter(slug=slug).first()
    return next((year for year in years() if year.slug == slug), None)


def previous_year(year):
    """The published year straight before ``year``, which its grades are compared with, or None."""
    if not keeping():
        return InspectionYear.objects.previous_to(year)
    return next((y for y in years() if y.first_year < year.first_year), None)


def year_pillars(year_id):
    """A year's pillars in order, each with its questions in order as ``question_list`` and their number as
    ``question_count``."""
    return kept("year pillars", _year_pillars, year_id)


def pillar_lists(*year_ids):
    """The pillars of each of these years in order, each with its ``question_count`` (not its questions), by
    year id. One query for them all."""
    return kept("pillar lists", _pillar_lists, *year_ids)


def pillars_by_year():
    """Every year's pillars in order, each with its ``question_count`` (not its questions), by year id. One
    query."""
    return kept("pillars by year", _pillars_by_year)


def force_reports(force_id):
    """A force's published reports (those of a published year, or of none), newest first, each with its year."""
    return kept("force reports", _force_reports, force_id)


def _force_reports(force_id):
    return list(Report.objects.published().filter(force=force_id).select_related("year"))


def grade_counts():
    """How many forces got each published grade on each graded pillar of every year: the rows of
    ``PillarJudgment.objects.published().grade_counts()``, as a list."""
    return kept("grade counts", lambda: list(PillarJudgment.objects.published().grade_counts()))


def year_grade_counts(year_id):
    """``grade_counts()`` for one year's pillars: one query, as a list."""
    return kept("year grade counts", _year_grade_counts, year_id)


def _year_grade_counts(year_id):
    return list(PillarJudgment.objects.published().for_year(year_id).grade_counts())


def _pillar_lists(*year_ids):
    return _counted(Pillar.objects.filter(year__in=year_ids), by_year={year_id: [] for year_id in year_ids})


def _pillars_by_year():
    return _counted(Pillar.objects.all(), by_year={})


def _counted(pillars, *, by_year):
    for pillar in pillars.annotate(question_count=Count("questions")).order_by("position", "id"):
        by_year.setdefault(pillar.year_id, []).append(pillar)
    return by_year


def _year_pillars(year_id):
    return _with_questions(Pillar.objects.filter(year=year_id))


def _with_questions(pillars):
    questions = Prefetch("questions", queryset=Question.objects.order_by("number"), to_attr="question_list")
    pillars = list(pillars.order_by("position", "id").prefetch_related(questions))
    for pillar in pillars:
        pillar.question_count = len(pillar.question_list)
    return pillars
