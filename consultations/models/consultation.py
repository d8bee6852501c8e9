from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from peel.publishing import PUBLISHABLE_PERMISSIONS, Publishable, published_q

WEB_ADDRESS = URLValidator(schemes=["http", "https"], message="Enter an address starting http:// or https://.")
IS_WEB_ADDRESS = Q(url__startswith="https://") | Q(url__startswith="http://")


class Phase(models.TextChoices):
    """Where a consultation is in its life, read from the clock: nothing has to run for it to move on."""

    UPCOMING = "upcoming", "Upcoming"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    OUTCOME = "outcome", "Outcome published"


class ConsultationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_q())

    def open(self, now=None):
        now = now or timezone.now()
        return self.published().filter(opens_at__lte=now, closes_at__gt=now)

    def for_banner(self, now=None):
        """Just what the banner on every page needs from each open consultation, soonest to close first."""
        return self.open(now).only("slug", "title", "summary", "closes_at").order_by("closes_at", "pk")

    def for_list(self):
        return self.published().only(
            "slug", "title", "summary", "opens_at", "closes_at", "outcome", "outcome_published_on", "status"
        )

    def by_phase(self, now=None):
        """The consultations as lists by phase: open (closing soonest first), upcoming (opening soonest
        first) and closed, outcome or not (closed most recently first)."""
        now = now or timezone.now()
        groups = {"open": [], "upcoming": [], "closed": []}
        for consultation in self:
            phase = consultation.phase_at(now)
            groups["closed" if phase == Phase.OUTCOME else phase].append(consultation)
        groups["open"].sort(key=lambda c: c.closes_at)
        groups["upcoming"].sort(key=lambda c: c.opens_at)
        groups["closed"].sort(key=lambda c: c.closes_at, reverse=True)
        return groups

    def for_page(self):
        """A consultation with its documents, questions and choices, and its outcome's counts."""
        return self.for_responding().prefetch_related("documents", "outcome_counts")

    def for_responding(self):
        """A consultation with just what the respondent's pages read: its questions and their choices."""
        return self.prefetch_related(Prefetch("questions", queryset=Question.objects.prefetch_related("choices")))


class Consultation(Publishable):
    """A proposal the inspectorate asks people about, open for answers between two moments."""

    Phase = Phase

    slug = models.SlugField(max_length=80, unique=True, help_text="Used in the web address.")
    title = models.CharField(max_length=200, unique=True)
    summary = models.CharField(
        max_length=300, help_text="One or two sentences, shown in the list of consultations and in the banner."
    )
    body = models.TextField(help_text="The proposal and what you are asking, in Markdown.")
    opens_at = models.DateTimeField(help_text="When responses are first accepted (UK time).")
    closes_at = models.DateTimeField(
        help_text="When responses stop being accepted (UK time). It can be moved later to extend or re-open the "
        "consultation: responses already in are kept."
    )
    time_to_answer = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="About how many minutes answering takes, shown to respondents."
    )
    privacy_notice = models.TextField(
        blank=True, help_text="How responses are used and kept, shown before the questions. Markdown."
    )
    outcome = models.TextField(
        blank=True, help_text="What the consultation found and what happens next. Markdown; public once dated."
    )
    outcome_published_on = models.DateField(
        null=True, blank=True, help_text="The outcome is shown from this day on. Leave blank while it is a draft."
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        default_permissions = PUBLISHABLE_PERMISSIONS
        ordering = ["-opens_at", "title"]
        verbose_name = "consultation"
        verbose_name_plural = "consultations"
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="consultation_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(outcome_published_on__isnull=True) | ~Q(outcome=""), name="consultation_outcome_has_text"
            ),
            models.CheckConstraint(
                condition=Q(time_to_answer__isnull=True) | Q(time_to_answer__gte=1),
                name="consultation_time_to_answer_from_one",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("consultations:consultation-detail", kwargs={"slug": self.slug})

    def get_respond_url(self):
        return reverse("consultations:respond", kwargs={"slug": self.slug})

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": "The closing time must be after the opening time."})
        if self.outcome_published_on and not self.outcome.strip():
            raise ValidationError({"outcome": "Write the outcome before giving it a publication date."})

    def phase_at(self, now):
        if now < self.opens_at:
            return Phase.UPCOMING
        if now < self.closes_at:
            return Phase.OPEN
        if self.outcome_published_on and self.outcome and self.outcome_published_on <= timezone.localdate(now):
            return Phase.OUTCOME
        return Phase.CLOSED

    @property
    def phase(self):
        return self.phase_at(timezone.now())

    @property
    def outcome_total(self):
        return sum(count.count for count in self.outcome_counts.all())


class Document(models.Model):
    """A document the consultation links to: the full proposal, a summary of responses, the source page."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="documents")
    position = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=500, validators=[WEB_ADDRESS], help_text="An http:// or https:// address.")

    class Meta:
        ordering = ["consultation_id", "position", "pk"]
        verbose_name = "document"
        verbose_name_plural = "documents"
        constraints = [
            models.CheckConstraint(condition=IS_WEB_ADDRESS, name="consultation_document_is_web_address"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.url


class OutcomeCount(models.Model):
    """How many responses came from one kind of respondent, as the published outcome reports it.

    Counts for consultations run elsewhere (before this site took responses) live here, not as responses."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="outcome_counts")
    position = models.PositiveSmallIntegerField(default=1)
    respondents = models.CharField(max_length=120, help_text="As in “Police forces”.")
    count = models.PositiveIntegerField()

    class Meta:
        ordering = ["consultation_id", "position", "pk"]
        verbose_name = "outcome count"
        verbose_name_plural = "outcome counts"
        constraints = [
            models.UniqueConstraint(fields=["consultation", "respondents"], name="outcome_count_once_per_kind"),
        ]

    def __str__(self):
        return f"{self.respondents}: {self.count}"


class QuestionKind(models.TextChoices):
    SHORT_TEXT = "short-text", "Short text"
    LONG_TEXT = "long-text", "Long text"
    ONE_CHOICE = "one-choice", "One choice"
    SEVERAL_CHOICES = "several-choices", "Several choices"
    AGREE_SCALE = "agree-scale", "Agree–disagree scale"


LONGEST_ANSWER = 20000  # characters: the most any text question may allow


class Question(models.Model):
    Kind = QuestionKind

    TEXT_KINDS = (Kind.SHORT_TEXT, Kind.LONG_TEXT)
    CHOICE_KINDS = (Kind.ONE_CHOICE, Kind.SEVERAL_CHOICES)
    DEFAULT_MAX_LENGTH = {Kind.SHORT_TEXT: 500, Kind.LONG_TEXT: 5000}
    LONGEST = LONGEST_ANSWER

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(help_text="Questions are numbered in this order, from 1.")
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.LONG_TEXT)
    text = models.CharField(max_length=500)
    hint = models.CharField(max_length=500, blank=True, help_text="Shown under the question, in grey.")
    required = models.BooleanField(default=False, help_text="A response cannot be sent without an answer to this.")
    max_length = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="The most characters a text answer may have. Blank for the usual: 500 for short text, 5,000 "
        "for long text.",
    )

    class Meta:
        ordering = ["consultation_id", "position"]
        verbose_name = "question"
        verbose_name_plural = "questions"
        constraints = [
            models.UniqueConstraint(fields=["consultation", "position"], name="question_position_unique"),
            models.CheckConstraint(condition=Q(position__gte=1), name="question_position_from_one"),
            models.CheckConstraint(condition=Q(kind__in=QuestionKind.values), name="question_kind_is_known"),
            models.CheckConstraint(
                condition=Q(max_length__isnull=True) | Q(max_length__gte=1, max_length__lte=LONGEST_ANSWER),
                name="question_max_length_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.text}"

    def clean(self):
        if self.max_length is not None and self.kind not in self.TEXT_KINDS:
            raise ValidationError({"max_length": "Only text questions have a length limit."})
        if self.max_length is not None and not 1 <= self.max_length <= self.LONGEST:
            raise ValidationError({"max_length": f"Choose a limit from 1 to {self.LONGEST:,} characters."})

    @property
    def length_limit(self):
        """The most characters an answer may have, for a text question."""
        return self.max_length or self.DEFAULT_MAX_LENGTH.get(self.kind)

    @property
    def field_name(self):
        return f"question-{self.pk}"


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(default=1)
    text = models.CharField(max_length=200)

    class Meta:
        ordering = ["question_id", "position", "pk"]
        verbose_name = "choice"
        verbose_name_plural = "choices"
        constraints = [
            models.UniqueConstraint(fields=["question", "text"], name="choice_text_unique_in_question"),
        ]

    def __str__(self):
        return self.text
