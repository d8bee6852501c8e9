"""An answer in words, the same on "check your answers", in the emailed receipt and in the export."""

from .models import AgreeScale, QuestionKind


def answer_lines(question, value):
    """An answer as lines of text: the text typed, the point on the scale, or each choice picked."""
    if not value:
        return []
    if question.kind == QuestionKind.AGREE_SCALE:
        return [AgreeScale(value).label]
    if isinstance(value, list):
        return [choice.text for choice in value]
    return [value]


def stored_value(answer):
    """A stored Answer as the (question, value) value the form gives: text, scale, or a list of choices."""
    if answer.question.kind == QuestionKind.AGREE_SCALE:
        return answer.scale
    if answer.question.kind in (QuestionKind.ONE_CHOICE, QuestionKind.SEVERAL_CHOICES):
        return sorted(answer.choices.all(), key=lambda choice: choice.position)
    return answer.text
