"""The admin's judgment forms: they offer only what the judgment's inspection year allows.

A pillar judgment offers only its year's pillars and the grades its year's scale uses (no "adequate" in a
four-point year); a question judgment offers only its pillar's questions and its year's grades. A choice that
is not offered is refused on its field, in the same words the model's own check uses.

The year comes from the judgment's assessment: the one posted, else the one saved, else the one the page was
opened for (``?assessment=``). On an inline the admin hands the parent over (``for_parent``, from the inline's
``get_formset``). Where the year is not known yet, as on a new judgment before its assessment is chosen,
every choice is offered and the model's ``clean`` refuses a wrong pairing when the form is saved.
"""

from django import forms
from django.core.exceptions import ValidationError

from .models import Assessment, Grade, PillarJudgment, Question, QuestionJudgment


def grade_refusal(year, grade):
    """Why ``grade`` cannot be used in ``year``: the words of ``JudgmentRules._check_grade``."""
    allowed = ", ".join(Grade(g).label.lower() for g in year.allowed_grades)
    named = Grade(grade).label.lower() if grade in Grade.values else grade
    return f"{year.title} does not use “{named}”. Choose from: {allowed}."


class YearGradeField(forms.TypedChoiceField):
    """A grade field offering only the grades ``year`` uses, and a blank where the field may be left blank."""

    def __init__(self, year, *, original):
        choices = [(g.value, g.label) for g in year.allowed_grades]
        if not original.required:
            choices = [("", "---------"), *choices]
        super().__init__(
            choices=choices,
            coerce=getattr(original, "coerce", str),
            empty_value=getattr(original, "empty_value", ""),
            required=original.required,
            label=original.label,
            help_text=original.help_text,
            widget=original.widget,
            initial=original.initial,
            show_hidden_initial=original.show_hidden_initial,
        )
        self.year = year

    def validate(self, value):
        if value not in self.empty_values and not self.valid_value(value):
            raise ValidationError(grade_refusal(self.year, value), code="invalid_choice")
        super().validate(value)


def offer_only(form, name, queryset, refusal):
    """Limit a foreign key field to ``queryset``, as a plain select: the admin's autocomplete would search
    every row, not just these."""
    field = form.fields.get(name)
    if field is None:
        return  # read-only for this person
    field.widget = forms.Select()
    field.queryset = queryset  # sets the select's choices too
    field.error_messages = {**field.error_messages, "invalid_choice": refusal}


def limit_grades(form, year):
    field = form.fields.get("grade")
    if field is not None:
        form.fields["grade"] = YearGradeField(year, original=field)


def _posted_or_saved(form, name, model):
    """The object a foreign key field names: posted, else saved on the instance, else the page's initial
    value. None where there is none or what was posted names nothing."""
    if form.is_bound and name in form.fields:
        value = form.data.get(form.add_prefix(name))
    elif getattr(form.instance, f"{name}_id", None):
        return getattr(form.instance, name)
    else:
        value = form.initial.get(name)
    if isinstance(value, model):
        return value
    if not value:
        return None
    try:
        return model._default_manager.filter(pk=value).first()
    except (TypeError, ValueError, ValidationError):
        return None


class PillarJudgmentForm(forms.ModelForm):
    """A pillar judgment, offering only its assessment's year's pillars and grades."""

    assessment_given = None  # the parent assessment, on an inline (see for_parent)

    class Meta:
        model = PillarJudgment
        fields = ["assessment", "pillar", "grade", "not_graded", "last_updated", "summary", "body", "source_url"]

    @classmethod
    def for_parent(cls, assessment):
        """This form for the judgments of ``assessment`` (an inline's parent), saved or not."""
        return type(cls.__name__, (cls,), {"assessment_given": assessment})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        assessment = self.assessment_given or _posted_or_saved(self, "assessment", Assessment)
        year = getattr(assessment, "year", None) if assessment is not None and assessment.year_id else None
        if year is None:
            return
        word = year.pillar_word
        offer_only(
            self,
            "pillar",
            year.pillars.select_related("year"),
            f"Choose one of {year.title}’s {word}s: that {word} belongs to another year.",
        )
        limit_grades(self, year)


class QuestionJudgmentForm(forms.ModelForm):
    """A question judgment, offering only its pillar's questions and its year's grades."""

    pillar_judgment_given = None  # the parent pillar judgment, on an inline (see for_parent)

    class Meta:
        model = QuestionJudgment
        fields = ["pillar_judgment", "question", "grade", "summary", "source_url"]

    @classmethod
    def for_parent(cls, pillar_judgment):
        return type(cls.__name__, (cls,), {"pillar_judgment_given": pillar_judgment})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        judgment = self.pillar_judgment_given or _posted_or_saved(self, "pillar_judgment", PillarJudgment)
        if judgment is None:
            return
        if judgment.pillar_id:
            pillar = judgment.pillar
            offer_only(
                self,
                "question",
                Question.objects.filter(pillar=pillar).select_related("pillar"),
                f"Choose one of {pillar}’s questions: that question belongs to another pillar.",
            )
        assessment = judgment.assessment if judgment.assessment_id else None
        if assessment is not None and assessment.year_id:
            limit_grades(self, assessment.year)


def judgment_form_for(form_class, parent):
    """``form_class`` for an inline whose parent is ``parent``, or as it is where there is no parent yet."""
    return form_class if parent is None else form_class.for_parent(parent)
