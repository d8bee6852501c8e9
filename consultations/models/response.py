from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils import timezone

from .consultation import Choice, Consultation, Question


class RespondentType(models.TextChoices):
    """The capacity someone answers in, as the published outcomes count them."""

    INDIVIDUAL = "individual", "An individual (a member of the public)"
    ORGANISATION = "organisation", "An organisation"
    POLICE_FORCE = "police-force", "A police force"
    PCC = "pcc", "A police and crime commissioner, or their office"
    OTHER = "other", "Other"


# Plural names for counts in tables: "5 members of the public".
RESPONDENT_PLURALS = {
    RespondentType.INDIVIDUAL: "Members of the public",
    RespondentType.ORGANISATION: "Organisations",
    RespondentType.POLICE_FORCE: "Police forces",
    RespondentType.PCC: "Police and crime commissioners",
    RespondentType.OTHER: "Other",
}


class Consent(models.TextChoices):
    FULL = "full", "Yes, with my name (or my organisation’s name)"
    ANONYMOUS = "anonymous", "Yes, but without my name or anything that identifies me"
    NONE = "none", "No, do not publish my response"


class AgreeScale(models.TextChoices):
    STRONGLY_AGREE = "strongly-agree", "Strongly agree"
    AGREE = "agree", "Agree"
    NEITHER = "neither", "Neither agree nor disagree"
    DISAGREE = "disagree", "Disagree"
    STRONGLY_DISAGREE = "strongly-disagree", "Strongly disagree"


class ResponseQuerySet(models.QuerySet):
    def for_export(self):
        """Responses with every answer and chosen choice, for the CSV download and the summary page."""
        return self.prefetch_related(
            models.Prefetch("answers", queryset=Answer.objects.prefetch_related("choices"))
        ).order_by("created_at", "pk")


class Response(models.Model):
    """One person's or organisation's answers to a consultation, stored whole or not at all."""

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="responses")
    reference = models.CharField(max_length=9, editable=False, help_text="Given to the respondent, as ABCD-EF23.")
    submission_key = models.CharField(
        max_length=64, editable=False, help_text="Set when the form is first shown, so sending it twice stores it once."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    respondent_type = models.CharField("responding as", max_length=20, choices=RespondentType)
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    consent = models.CharField("may we publish it", max_length=12, choices=Consent)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "response"
        verbose_name_plural = "responses"
        # Responses are read, never written, in the admin: one permission to read them (and download them).
        default_permissions = ()
        permissions = [("view_responses", "Can view and download consultation responses")]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="response_reference_unique"),
            models.UniqueConstraint(fields=["consultation", "submission_key"], name="response_submitted_once"),
            models.CheckConstraint(condition=Exact(Length("reference"), 9), name="response_reference_length"),
            models.CheckConstraint(condition=~Q(submission_key=""), name="response_has_submission_key"),
            models.CheckConstraint(
                condition=Q(respondent_type__in=RespondentType.values), name="response_respondent_type_is_known"
            ),
            models.CheckConstraint(condition=Q(consent__in=Consent.values), name="response_consent_is_known"),
        ]

    def __str__(self):
        return self.reference


class Answer(models.Model):
    """An answer to one question: text, a point on the agree–disagree scale, or chosen choices."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    text = models.TextField(blank=True)
    scale = models.CharField(max_length=20, choices=AgreeScale, blank=True)
    choices = models.ManyToManyField(Choice, through="AnswerChoice", related_name="answers", blank=True)

    class Meta:
        ordering = ["response_id", "question__position"]
        verbose_name = "answer"
        verbose_name_plural = "answers"
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_once_per_question"),
            models.CheckConstraint(
                condition=Q(scale="") | Q(scale__in=AgreeScale.values), name="answer_scale_is_known"
            ),
        ]

    def __str__(self):
        return f"{self.response} – question {self.question.position}"


class AnswerChoice(models.Model):
    """A choice picked in an answer. A choice that has been picked cannot be deleted."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE)
    choice = models.ForeignKey(Choice, on_delete=models.PROTECT)

    class Meta:
        verbose_name = "chosen choice"
        verbose_name_plural = "chosen choices"
        constraints = [models.UniqueConstraint(fields=["answer", "choice"], name="answer_choice_once")]

    def __str__(self):
        return str(self.choice)
