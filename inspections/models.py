from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, Q
from django.db.models.functions import Coalesce
from django.utils.functional import cached_property

from forces.addresses import address
from forces.models import Force
from peel.publishing import PUBLISHABLE_PERMISSIONS, Publishable, published_q
from peel.publishing.rule import follow


class Grade(models.TextChoices):
    """PEEL grades, best first. This order is the one used for every comparison."""

    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    ADEQUATE = "adequate", "Adequate"
    REQUIRES_IMPROVEMENT = "requires-improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"

    @classmethod
    def rank(cls, value):
        """0 for outstanding, rising as the grade gets worse."""
        try:
            return GRADE_RANKS[value]
        except KeyError:
            raise ValueError(f"{value!r} is not a grade") from None


GRADE_RANKS = {grade.value: position for position, grade in enumerate(Grade)}


# Short forms for charts on narrow screens, always shown with a key.
GRADE_ABBREVIATIONS = {
    Grade.OUTSTANDING: "O",
    Grade.GOOD: "G",
    Grade.ADEQUATE: "A",
    Grade.REQUIRES_IMPROVEMENT: "RI",
    Grade.INADEQUATE: "I",
}


class Change(models.TextChoices):
    """How a grade compares with the same force's grade for the same pillar the year before."""

    BETTER = "better", "Better"
    SAME = "same", "Same"
    WORSE = "worse", "Worse"
    NOT_COMPARABLE = "not-comparable", "Not comparable"

    @classmethod
    def between(cls, grade, previous_grade, *, comparable=True):
        if not grade or not previous_grade:
            return None
        if not comparable:
            return cls.NOT_COMPARABLE
        difference = Grade.rank(previous_grade) - Grade.rank(grade)
        if difference > 0:
            return cls.BETTER
        if difference < 0:
            return cls.WORSE
        return cls.SAME


class Scale(models.TextChoices):
    FOUR_POINT = "four-point", "Four-point (outstanding, good, requires improvement, inadequate)"
    FIVE_POINT = "five-point", "Five-point (adds adequate, from 2021/22)"

    @property
    def grades(self):
        if self == Scale.FOUR_POINT:
            return [g for g in Grade if g != Grade.ADEQUATE]
        return list(Grade)


NOT_COMPARABLE_WARNING = (
    "From 2021/22 PEEL grades forces on five points, adding “adequate”, against a new framework of areas "
    "of policing. These grades cannot be compared directly with grades from 2014 to 2018/19."
)


class InspectionYearQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_q())

    def latest_published(self):
        return self.published().order_by("-first_year").first()

    def previous_to(self, year):
        """The published year straight before ``year``, which grades are compared with."""
        return self.published().filter(first_year__lt=year.first_year).order_by("-first_year").first()

    def with_coverage(self):
        """Each year with how much of it is recorded here: ``graded_pillar_count`` (its graded pillars or
        areas), ``recorded_grade_count`` (published pillar grades, counting a recorded decision not to grade)
        and ``graded_force_count`` (forces with at least one of them)."""
        recorded = recorded_grades().filter(assessment__year=models.OuterRef("pk")).values("assessment__year")
        pillars = Pillar.objects.filter(year=models.OuterRef("pk"), graded=True).order_by().values("year")

        def count(queryset, expression):
            total = queryset.annotate(n=expression).values("n")
            return Coalesce(models.Subquery(total, output_field=models.IntegerField()), 0)

        return self.annotate(
            graded_pillar_count=count(pillars, models.Count("pk")),
            recorded_grade_count=count(recorded, models.Count("pk")),
            graded_force_count=count(recorded, models.Count("assessment__force", distinct=True)),
        )

    def coverage(self):
        """The published years, newest first, each with the counts of ``with_coverage()`` and ``force_count``
        (how many forces there are) for saying how partial it is. Three small queries, counting every year's
        grades at once: together quicker than one query with a subquery for each count of each year."""
        graded_pillars = models.Count("pillars", filter=Q(pillars__graded=True))
        years = list(self.published().annotate(graded_pillar_count=graded_pillars).order_by("-first_year"))
        recorded = recorded_grades().values("assessment__year")
        recorded = recorded.annotate(grades=models.Count("pk"), forces=models.Count("assessment__force", distinct=True))
        recorded = {row["assessment__year"]: row for row in recorded}
        force_count = Force.objects.count()
        for year in years:
            counts = recorded.get(year.pk, {})
            year.recorded_grade_count = counts.get("grades", 0)
            year.graded_force_count = counts.get("forces", 0)
            year.force_count = force_count
        return years


def recorded_grades():
    """The published pillar grades on graded pillars, counting a recorded decision not to grade: what the
    coverage of a year counts."""
    return (
        PillarJudgment.objects.published()
        .filter(pillar__graded=True)
        .filter(~Q(grade="") | Q(not_graded=True))
        .order_by()
    )


class InspectionYear(Publishable):
    """One round of PEEL, such as PEEL 2016 or PEEL 2021/22."""

    class Precision(models.TextChoices):
        DAY = "day", "Day"
        MONTH = "month", "Month"

    slug = models.SlugField(max_length=20, unique=True, help_text="Used in web addresses, as in “2018-19”.")
    title = models.CharField(max_length=60, unique=True, help_text="As in “PEEL 2018/19”.")
    label = models.CharField(max_length=20, help_text="The short form used in tables, as in “2018/19”.")
    first_year = models.PositiveSmallIntegerField(
        unique=True, help_text="The calendar year the round began; years are listed in this order."
    )
    scale = models.CharField(max_length=12, choices=Scale, help_text="The grades this year’s judgments may use.")
    published_on = models.DateField(null=True, blank=True)
    published_precision = models.CharField(
        max_length=5, choices=Precision, default=Precision.DAY, help_text="Whether the date is known to the day."
    )
    notes = models.TextField(blank=True, help_text="Shown on the year’s page. Markdown.")
    source_notes = models.TextField(
        blank=True, help_text="Where this year’s facts and dates came from. For staff: never shown on the public site."
    )

    objects = InspectionYearQuerySet.as_manager()

    class Meta:
        default_permissions = PUBLISHABLE_PERMISSIONS
        ordering = ["first_year"]
        verbose_name = "inspection year"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return address("inspections:year-detail", year=self.slug)

    @property
    def published_display(self):
        """The publication date as precisely as it is known: "2 March 2017" or "February 2016"."""
        if self.published_on is None:
            return ""
        if self.published_precision == self.Precision.MONTH:
            return self.published_on.strftime("%B %Y")
        return f"{self.published_on.day} {self.published_on.strftime('%B %Y')}"

    @property
    def allowed_grades(self):
        return Scale(self.scale).grades

    @property
    def comparability_warning(self):
        return NOT_COMPARABLE_WARNING if self.scale == Scale.FIVE_POINT else ""

    @property
    def pillar_word(self):
        """What the year grades: "pillar" (2014 to 2018/19) or "area" (areas of policing, 2021/22 on)."""
        return "area" if self.scale == Scale.FIVE_POINT else "pillar"

    # The properties below need the annotations of coverage().
    @property
    def expected_grade_count(self):
        """A grade for every force on every graded pillar: what a complete year holds."""
        return self.force_count * self.graded_pillar_count

    @property
    def recorded_percent(self):
        return round(100 * self.recorded_grade_count / self.expected_grade_count) if self.expected_grade_count else 0

    @property
    def is_partial(self):
        return self.recorded_grade_count < self.expected_grade_count

    def is_comparable_with(self, other):
        return other is not None and other.scale == self.scale


def headline_year(years):
    """The year to lead with and compare forces by, from ``coverage()``: the newest year with more than half
    of its grades (every force on every graded pillar) recorded here, else the newest with any, else None."""
    most = next((y for y in years if y.recorded_grade_count * 2 > y.expected_grade_count), None)
    return most or next((y for y in years if y.recorded_grade_count), None)


class Pillar(models.Model):
    """A pillar (2014 to 2018/19) or an area of policing (2021/22 on) that a year's judgments are made on."""

    class Kind(models.TextChoices):
        EFFECTIVENESS = "effectiveness", "Effectiveness"
        EFFICIENCY = "efficiency", "Efficiency"
        LEGITIMACY = "legitimacy", "Legitimacy"
        LEADERSHIP = "leadership", "Leadership"
        AREA = "area", "Area of policing"

    year = models.ForeignKey(InspectionYear, on_delete=models.CASCADE, related_name="pillars")
    kind = models.CharField(max_length=15, choices=Kind)
    name = models.CharField(max_length=120)
    slug = models.SlugField(
        max_length=120, help_text="Used in web addresses. The same slug in two years marks the same pillar."
    )
    headline_question = models.CharField(max_length=300, blank=True)
    graded = models.BooleanField(default=True, help_text="Untick for a pillar reported in words only.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["year", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "slug"], name="pillar_slug_unique_in_year"),
        ]

    def __str__(self):
        return f"{self.name} ({self.year.label})"


class Question(models.Model):
    pillar = models.ForeignKey(Pillar, on_delete=models.CASCADE, related_name="questions")
    number = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)
    graded = models.BooleanField(default=True, help_text="Untick for a question reported in words only.")

    class Meta:
        ordering = ["pillar", "number"]
        constraints = [
            models.UniqueConstraint(fields=["pillar", "number"], name="question_number_unique_in_pillar"),
            models.CheckConstraint(condition=Q(number__gte=1), name="question_number_from_one"),
        ]

    def __str__(self):
        return f"{self.pillar.name} question {self.number}"


class Inspector(models.Model):
    """An HM Inspector who signs assessments."""

    name = models.CharField(max_length=120)
    title = models.CharField(max_length=160, default="HM Inspector of Constabulary")
    contact_url = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "HM Inspector"
        verbose_name_plural = "HM Inspectors"

    def __str__(self):
        return self.name


class AssessmentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_q(), published_q("year__"))

    def for_year(self, year):
        return self.filter(year=year)

    def with_grades(self, judgments=None):
        """Each assessment with its published pillar judgments (and their pillars) as ``published_judgments``."""
        if judgments is None:
            judgments = PillarJudgment.objects.all()
        return self.select_related("force", "year").prefetch_related(
            Prefetch(
                "pillar_judgments",
                queryset=judgments.filter(published_q()).select_related("pillar"),
                to_attr="published_judgments",
            )
        )

    def for_page(self):
        """An assessment with its force, year and inspector, for its page (which reads its judgments itself)."""
        return self.select_related("force", "year", "inspector")

    def latest_per_force(self):
        """Each force's most recent published assessment."""
        newest = (
            Assessment.objects.published()
            .filter(force=models.OuterRef("force"))
            .order_by("-year__first_year")
            .values("pk")[:1]
        )
        return self.published().filter(pk=models.Subquery(newest))


class NarrativeOrigin(models.TextChoices):
    """Whose words an assessment's narrative is: the inspectorate's, or a summary written for this site."""

    INSPECTORATE = "inspectorate", "The inspectorate’s published words"
    SITE_SUMMARY = "site-summary", "A summary written for this site from the published assessment"


def assessment_url(force, year):
    """The address of a force's assessment page for a year: the one place it is made, for the model and for the
    lighter rows that the year tables and the comparison keep instead of models."""
    return address("inspections:assessment-detail", force=force.slug, year=year.slug)


class Assessment(Publishable):
    """One force's PEEL assessment for one year."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="assessments")
    year = models.ForeignKey(InspectionYear, on_delete=models.PROTECT, related_name="assessments")
    inspector = models.ForeignKey(
        Inspector, on_delete=models.SET_NULL, null=True, blank=True, related_name="assessments"
    )
    observations = models.TextField("HMI’s observations", blank=True, help_text="Markdown.")
    force_in_context = models.TextField("the force in context", blank=True, help_text="Markdown.")
    working_arrangements = models.TextField(blank=True, help_text="Markdown.")
    looking_ahead = models.TextField(
        "looking ahead", blank=True, help_text="What HMI will look at next year. Markdown."
    )
    narrative_origin = models.CharField(
        max_length=12,
        choices=NarrativeOrigin,
        default=NarrativeOrigin.INSPECTORATE,
        help_text=(
            "A summary written for this site is labelled as such on the page and is never shown as "
            "HM Inspector’s own words."
        ),
    )
    report_url = models.URLField(
        "full report", max_length=500, blank=True, help_text="The inspectorate’s page for this assessment."
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = AssessmentQuerySet.as_manager()

    # Sent for review, approved and released with the assessment when they are in the same state.
    PUBLISHED_WITH = ("pillar_judgments",)

    class Meta:
        default_permissions = PUBLISHABLE_PERMISSIONS
        ordering = ["year", "force"]
        constraints = [
            models.UniqueConstraint(fields=["force", "year"], name="one_assessment_per_force_and_year"),
        ]

    def __str__(self):
        return f"{self.force.short_name} {self.year.label}"

    def get_absolute_url(self):
        return assessment_url(self.force, self.year)

    NARRATIVE = [
        ("observations", "HMI’s observations"),
        ("force_in_context", "The force in context"),
        ("working_arrangements", "Working arrangements"),
        ("looking_ahead", "Looking ahead"),
    ]

    def narrative(self):
        """The written sections that have text, in the page's order: (anchor, heading, Markdown). A summary
        written for this site is headed as a summary, never as HMI's own observations."""
        summary = self.is_site_summary
        return [
            (field.replace("_", "-"), f"Summary of {heading}" if summary and field == "observations" else heading, text)
            for field, heading in self.NARRATIVE
            if (text := getattr(self, field))
        ]

    @property
    def is_site_summary(self):
        return self.narrative_origin == NarrativeOrigin.SITE_SUMMARY


GRADE_IS_KNOWN = Q(grade="") | Q(grade__in=Grade.values)


class JudgmentRules:
    """What pillar and question judgments share: the checks a grade must pass and how a missing one reads."""

    def _related(self, path):
        """A related object along a dotted path ("assessment.year"), or None where a link is not set yet.

        The admin checks a new assessment's judgments against it before anything is saved, so a parent may
        be unsaved, or missing a field the person left blank: that field gets its own error, not this check.
        """
        return follow(self, path)

    @property
    def source_host(self):
        """The site the grade was read from, as a person would name it: "justiceinspectorates.gov.uk"."""
        host = urlsplit(self.source_url).hostname or ""
        return host.removeprefix("www.").removeprefix("hmicfrs.")

    def _grade_status(self, *, graded):
        """The grade's value and the words shown for it, saying why there is none when there is none."""
        if self.grade:
            return self.grade, Grade(self.grade).label
        if not graded:
            return "", "Ungraded"
        if getattr(self, "not_graded", False):
            return "", "Not graded"
        return "", "No grade recorded"

    def _check_grade(self, *, graded, what, year):
        if self.grade and not graded:
            raise ValidationError({"grade": f"This {what} is not graded, so its judgment cannot have a grade."})
        if self.grade and year is not None and self.grade not in year.allowed_grades:
            allowed = ", ".join(Grade(g).label.lower() for g in year.allowed_grades)
            raise ValidationError(
                {"grade": f"{year.title} does not use “{Grade(self.grade).label.lower()}”. Choose from: {allowed}."}
            )


class PillarJudgmentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_q(), published_q("assessment__"), published_q("assessment__year__"))

    def for_year(self, year):
        return self.filter(assessment__year=year)

    def for_page(self):
        """A judgment with its assessment's force and year and its pillar, for the pillar page (its questions
        and answers: ``questions_with_answers()``)."""
        return self.select_related("assessment__force", "assessment__year", "pillar")

    def grade_counts(self):
        """How many forces got each grade, per graded pillar: rows of pillar id and name, grade, whether it
        was a decision not to grade, and count."""
        return (
            self.filter(pillar__graded=True)
            .values("pillar_id", "pillar__name", "pillar__position", "grade", "not_graded")
            .annotate(forces=models.Count("id"))
            .order_by("pillar__position", "pillar_id", "grade")
        )


class PillarJudgment(JudgmentRules, Publishable):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="pillar_judgments")
    pillar = models.ForeignKey(Pillar, on_delete=models.PROTECT, related_name="judgments")
    grade = models.CharField(
        max_length=20, choices=Grade, blank=True, help_text="Leave blank where the force was not graded."
    )
    summary = models.TextField(blank=True, help_text="A paragraph or two shown with the grade. Markdown.")
    body = models.TextField(blank=True, help_text="The full findings. Markdown.")
    not_graded = models.BooleanField(
        default=False,
        help_text=(
            "Tick where the inspectorate chose not to grade this force on a graded pillar; say why in the summary."
        ),
    )
    last_updated = models.DateField(null=True, blank=True)
    source_url = models.URLField(max_length=500, blank=True, help_text="Where the grade was published.")

    objects = PillarJudgmentQuerySet.as_manager()

    class Meta:
        default_permissions = PUBLISHABLE_PERMISSIONS
        ordering = ["assessment", "pillar__position", "pillar_id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "pillar"], name="one_judgment_per_pillar"),
            models.CheckConstraint(condition=GRADE_IS_KNOWN, name="pillar_grade_is_known"),
            models.CheckConstraint(condition=Q(not_graded=False) | Q(grade=""), name="not_graded_pillar_has_no_grade"),
        ]

    def __str__(self):
        return f"{self.assessment}: {self.pillar.name}"

    def clean(self):
        year, pillar = self._related("assessment.year"), self._related("pillar")
        if self.not_graded and self.grade:
            raise ValidationError({"not_graded": "A judgment marked “not graded” cannot also have a grade."})
        if year is None or pillar is None:
            return
        if pillar.year_id != year.pk:
            raise ValidationError({"pillar": f"This pillar belongs to {pillar.year}, not {year}."})
        self._check_grade(graded=pillar.graded, what="pillar", year=year)

    def get_absolute_url(self):
        assessment = self.assessment
        return address(
            "inspections:pillar-detail", force=assessment.force.slug, year=assessment.year.slug, pillar=self.pillar.slug
        )

    @cached_property
    def grade_status(self):
        return self._grade_status(graded=self.pillar.graded)

    def questions_with_answers(self):
        """Each of the pillar's questions, in order, with this judgment's answer to it or None. Two queries."""
        questions = list(self.pillar.questions.order_by("number"))
        by_id = {question.pk: question for question in questions}
        answers = {}
        for answer in self.question_judgments.order_by():
            if (question := by_id.get(answer.question_id)) is not None:
                answer.question = question
                answers[question.pk] = answer
        return [(question, answers.get(question.pk)) for question in questions]


class QuestionJudgment(JudgmentRules, models.Model):
    """A force's grade and findings for one question; public whenever its pillar judgment is."""

    pillar_judgment = models.ForeignKey(PillarJudgment, on_delete=models.CASCADE, related_name="question_judgments")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="judgments")
    grade = models.CharField(max_length=20, choices=Grade, blank=True, help_text="Leave blank where not graded.")
    summary = models.TextField(blank=True, help_text="Markdown.")
    source_url = models.URLField(max_length=500, blank=True, help_text="Where the grade was published.")

    class Meta:
        ordering = ["pillar_judgment", "question__number"]
        constraints = [
            models.UniqueConstraint(fields=["pillar_judgment", "question"], name="one_judgment_per_question"),
            models.CheckConstraint(condition=GRADE_IS_KNOWN, name="question_grade_is_known"),
        ]

    def __str__(self):
        return f"{self.pillar_judgment}: question {self.question.number}"

    def clean(self):
        pillar, question = self._related("pillar_judgment.pillar"), self._related("question")
        if pillar is None or question is None:
            return
        if question.pillar_id != pillar.pk:
            raise ValidationError({"question": f"This question is not one of {pillar}’s."})
        self._check_grade(
            graded=question.graded, what="question", year=self._related("pillar_judgment.assessment.year")
        )

    @cached_property
    def grade_status(self):
        return self._grade_status(graded=self.question.graded)


class ReportQuerySet(models.QuerySet):
    def published(self):
        """Published reports of no year, or of a published year: a draft year hides its reports too."""
        return self.filter(published_q()).filter(Q(year__isnull=True) | published_q("year__"))


class Report(Publishable):
    """A report or other inspection that helps explain a force's performance in a year."""

    class Kind(models.TextChoices):
        PEEL = "peel", "PEEL report"
        INSPECTION = "inspection", "Other inspection"
        OTHER = "other", "Other report"

    force = models.ForeignKey(Force, on_delete=models.CASCADE, related_name="reports", null=True, blank=True)
    year = models.ForeignKey(InspectionYear, on_delete=models.CASCADE, related_name="reports", null=True, blank=True)
    kind = models.CharField(max_length=12, choices=Kind, default=Kind.OTHER)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, help_text="Markdown.")
    url = models.URLField("link", max_length=500, blank=True)
    published_on = models.DateField(null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        default_permissions = PUBLISHABLE_PERMISSIONS
        ordering = ["-published_on", "title"]

    def __str__(self):
        return self.title
