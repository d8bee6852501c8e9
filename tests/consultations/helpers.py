"""Reading pages as a person does, and walking the respondent's journey through the test client."""

import re

from django.urls import reverse


def text_of(response):
    """The page's visible text with tags removed and spaces folded."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
    return re.sub(r" ([.,;:])(?=\s|$)", r"\1", text)  # "agreed</strong>." reads "agreed."


def hidden_value(response, name):
    found = re.search(rf'name="{name}" value="([^"]*)"', response.content.decode())
    return found and found[1]


def good_answers(consultation, **overrides):
    """Form data answering every question of make_open_consultation_with_every_kind, and about you."""
    data = {
        "respondent_type": "police-force",
        "name": "Sam Jones",
        "organisation": "Testshire Police",
        "email": "sam@example.org",
        "consent": "anonymous",
    }
    for question in consultation.questions.prefetch_related("choices"):
        choices = [str(choice.pk) for choice in question.choices.all()]
        data[question.field_name] = {
            "short-text": "Analyst",
            "long-text": "More time for\r\nvictims.",
            "one-choice": choices[:1] and choices[0],
            "several-choices": choices[:2],
            "agree-scale": "agree",
        }[question.kind]
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def check(client, consultation, data):
    """Post the form; the "check your answers" page (or the form again, with errors)."""
    return client.post(consultation.get_respond_url(), data)


def send(client, consultation, data, **extra):
    """Post the form, then send the checked answers: the response to the send."""
    page = check(client, consultation, data)
    assert "Check your answers" in text_of(page), text_of(page)[:2000]
    return send_checked(client, consultation, hidden_value(page, "answers"), **extra)


def send_checked(client, consultation, answers, **extra):
    url = reverse("consultations:submit", kwargs={"slug": consultation.slug})
    return client.post(url, {"answers": answers}, **extra)
