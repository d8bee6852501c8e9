"""The response form: one field per question of a consultation, then the questions about the respondent.

Every refusal is a message a person can act on, shown at the field and in the error summary, and nothing
typed is lost. The length limits are checked here, on the server, so they hold without JavaScript; the
HTML carries no ``maxlength``, so text pasted in over the limit can still be seen and cut down.
"""

import re
import secrets
import unicodedata
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator

from .display import answer_lines
from .models import AgreeScale, Consent, QuestionKind, RespondentType

SUBMISSION_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")
ALLOWED_CONTROLS = "\n\t"
NAME_LENGTH = 200


def new_submission_key():
    return secrets.token_urlsafe(24)


class TextAnswer(forms.CharField):
    """Text whose limit and refusals are worded for the person answering, as in "question 2"."""

    def __init__(self, *, limit, what, **kwargs):
        super().__init__(**kwargs)
        self.limit, self.what = limit, what
        # Our own check below names the character; Django's would add a second, vaguer message.
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]

    def to_python(self, value):
        text = super().to_python(value)
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def validate(self, value):
        super().validate(value)
        if "\ufffd" in value:  # what bytes that were not UTF-8 become when the request is decoded
            raise ValidationError(
                f"{self.what} contains characters that could not be read: retype them and try again",
                code="unreadable",
            )
        for character in value:
            if unicodedata.category(character) == "Cc" and character not in ALLOWED_CONTROLS:
                raise ValidationError(
                    f"{self.what} contains a character that cannot be saved (U+{ord(character):04X}): remove it",
                    code="control_character",
                )
        if len(value) > self.limit:
            raise ValidationError(
                f"{self.what} must be {self.limit:,} characters or fewer (it has {len(value):,})", code="too_long"
            )


@dataclass(frozen=True)
class Option:
    """One radio or checkbox: the first of a group takes the field's own id, so error links land on it."""

    id: str
    value: str
    label: str
    checked: bool


def options(bound_field):
    value = bound_field.value()
    chosen = {str(v) for v in value} if isinstance(value, list | tuple) else {str(value or "")}
    return [
        Option(
            bound_field.auto_id if index == 0 else f"{bound_field.auto_id}-{index + 1}", str(v), label, str(v) in chosen
        )
        for index, (v, label) in enumerate(bound_field.field.choices)
    ]


@dataclass(frozen=True)
class QuestionItem:
    question: object
    number: int
    field: object  # the bound field

    @property
    def options(self):
        return options(self.field)


class ResponseForm(forms.Form):
    respondent_type = forms.ChoiceField(
        label="Who are you responding as?",
        choices=RespondentType.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select who you are responding as",
            "invalid_choice": "Select who you are responding as from the list",
        },
    )
    name = TextAnswer(
        label="Your name",
        required=False,
        limit=NAME_LENGTH,
        what="Your name",
        widget=forms.TextInput(attrs={"class": "govuk-input", "autocomplete": "name", "spellcheck": "false"}),
    )
    organisation = TextAnswer(
        label="Organisation",
        help_text="If you are responding for an organisation, police force or commissioner’s office, its name.",
        required=False,
        limit=NAME_LENGTH,
        what="The organisation’s name",
        widget=forms.TextInput(attrs={"class": "govuk-input", "autocomplete": "organization"}),
    )
    email = forms.EmailField(
        label="Email address",
        help_text="We will email you a copy of your response. We use it for nothing else.",
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"class": "govuk-input", "autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": "Enter an email address of 254 characters or fewer",
        },
    )
    consent = forms.ChoiceField(
        label="May we publish your response?",
        help_text="We publish a summary of what people told us, and may quote responses. We never publish email "
        "addresses.",
        choices=Consent.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether we may publish your response",
            "invalid_choice": "Select whether we may publish your response from the list",
        },
    )
    # A trap for programs that fill in every field: hidden from people, ignored by assistive technology.
    website = forms.CharField(label="Leave this empty", required=False)
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False)

    # The questions about the respondent, with the short names "check your answers" gives them.
    ABOUT_YOU = {
        "respondent_type": "Responding as",
        "name": "Name",
        "organisation": "Organisation",
        "email": "Email address",
        "consent": "Publishing your response",
    }

    def __init__(self, *args, questions, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("submission_key", new_submission_key())
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        about = self.fields
        self.fields = {question.field_name: self._field_for(question) for question in self.questions}
        self.fields.update(about)
        self.fields["email"].widget.attrs.pop("maxlength", None)

    @staticmethod
    def _field_for(question):
        what = f"Your answer to question {question.position}"
        required = {"required": f"Enter your answer to question {question.position}"}
        select = {
            "required": f"Select an answer to question {question.position}",
            "invalid_choice": f"Select one of the answers listed for question {question.position}",
            "invalid_list": f"Select one of the answers listed for question {question.position}",
        }
        common = {"label": question.text, "required": question.required, "help_text": question.hint}
        match question.kind:
            case QuestionKind.SHORT_TEXT | QuestionKind.LONG_TEXT:
                return TextAnswer(limit=question.length_limit, what=what, error_messages=required, **common)
            case QuestionKind.ONE_CHOICE | QuestionKind.SEVERAL_CHOICES:
                several = question.kind == QuestionKind.SEVERAL_CHOICES
                if several:
                    select["required"] = f"Select at least one answer to question {question.position}"
                field = forms.MultipleChoiceField if several else forms.ChoiceField
                choices = [(str(choice.pk), choice.text) for choice in question.choices.all()]
                return field(choices=choices, error_messages=select, **common)
            case _:
                return forms.ChoiceField(choices=AgreeScale.choices, error_messages=select, **common)

    def clean_submission_key(self):
        """Whatever came back, a well-formed key: a missing or mangled one starts a fresh submission."""
        key = self.cleaned_data.get("submission_key", "")
        return key if SUBMISSION_KEY.fullmatch(key) else new_submission_key()

    def clean(self):
        if self.cleaned_data.get("website"):
            raise ValidationError(
                "Your response could not be accepted. If you filled in a hidden field, clear it and try again.",
                code="trap",
            )
        return self.cleaned_data

    # What templates and the submission read, once the form is valid or while it is being shown.

    def question_items(self):
        return [QuestionItem(q, q.position, self[q.field_name]) for q in self.questions]

    def about_you(self):
        return {name: self[name] for name in self.ABOUT_YOU}

    def check_rows(self):
        """(QuestionItem, the answer as lines of text) for each question, answered or not."""
        answers = dict(self.answers())
        return [(item, answer_lines(item.question, answers.get(item.question))) for item in self.question_items()]

    def about_rows(self):
        """(short name, bound field, what was given in words) for each question about the respondent."""
        rows = []
        for name, short in self.ABOUT_YOU.items():
            value = self.cleaned_data.get(name, "")
            choices = dict(getattr(self.fields[name], "choices", ()))
            rows.append((short, self[name], choices.get(value, value)))
        return rows

    def answers(self):
        """(question, value) for each question answered: text, a scale value, or a list of Choice objects."""
        result = []
        for question in self.questions:
            value = self.cleaned_data.get(question.field_name)
            if not value:
                continue
            if question.kind in (QuestionKind.ONE_CHOICE, QuestionKind.SEVERAL_CHOICES):
                by_pk = {str(choice.pk): choice for choice in question.choices.all()}
                value = [by_pk[pk] for pk in ([value] if isinstance(value, str) else value)]
            result.append((question, value))
        return result

    def about(self):
        return {name: self.cleaned_data[name] for name in self.ABOUT_YOU}

    def payload(self):
        """The answers as typed and checked, for carrying from the form to "check your answers" and back."""
        data = {name: self.cleaned_data[name] for name in self.fields if name != "website"}
        return {name: value for name, value in data.items() if value not in ("", [], None)}
