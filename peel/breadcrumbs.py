from django.urls import reverse


def breadcrumbs(*trail):
    """The trail from the home page to this one: (label, url) pairs, the current page last with url None."""
    return [("Home", reverse("home")), *trail]
