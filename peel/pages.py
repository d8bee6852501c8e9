"""The pages every public-sector site carries: accessibility, privacy, cookies, contact, and robots.txt."""

import datetime

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from .breadcrumbs import breadcrumbs

# Change this whenever the accessibility statement is reviewed, even if nothing else in it changes.
ACCESSIBILITY_STATEMENT_REVIEWED = datetime.date(2026, 11, 23)

INSPECTORATE_CONTACT_URL = "https://hmicfrs.justiceinspectorates.gov.uk/contact-us/"

ROBOTS_TXT = "User-agent: *\nAllow: /\nDisallow: /admin/\n"


def _page(request, template, title, **context):
    return render(request, template, {"breadcrumbs": breadcrumbs((title, None)), **context})


@require_safe
def accessibility(request):
    return _page(
        request,
        "pages/accessibility.html",
        "Accessibility statement",
        reviewed=ACCESSIBILITY_STATEMENT_REVIEWED,
        contact_url=INSPECTORATE_CONTACT_URL,
    )


@require_safe
def privacy(request):
    return _page(request, "pages/privacy.html", "Privacy notice", contact_url=INSPECTORATE_CONTACT_URL)


def _lasts(seconds):
    """A cookie's lifetime in words, as the cookies page states it: "2 weeks", "1 year"."""
    days = seconds // 86400
    if days >= 364:
        count, unit = round(days / 365), "year"
    elif days and days % 7 == 0:
        count, unit = days // 7, "week"
    elif days:
        count, unit = days, "day"
    else:
        count, unit = seconds // 3600 or 1, "hour"
    return f"{count} {unit}{'s' if count != 1 else ''}"


def staff_cookies():
    """The cookies Django sets for staff who sign in, named and timed from the settings that govern them."""
    session_expiry = (
        f"When you sign out or close your browser, and at most {_lasts(settings.SESSION_COOKIE_AGE)} after you sign in"
        if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
        else f"When you sign out, or after {_lasts(settings.SESSION_COOKIE_AGE)}"
    )
    return [
        (settings.SESSION_COOKIE_NAME, "Keeps you signed in to the staff admin", session_expiry),
        (
            settings.CSRF_COOKIE_NAME,
            "Protects the forms you send from being sent by another website on your behalf",
            _lasts(settings.CSRF_COOKIE_AGE) if settings.CSRF_COOKIE_AGE else "When you close your browser",
        ),
        (
            CookieStorage.cookie_name,
            "Shows a confirmation after you save something in the admin",
            "Once the message has been shown",
        ),
    ]


@require_safe
def cookies(request):
    return _page(request, "pages/cookies.html", "Cookies", staff_cookies=staff_cookies())


@require_safe
def contact(request):
    return _page(
        request,
        "pages/contact.html",
        "Contact",
        contact_url=INSPECTORATE_CONTACT_URL,
        contact_email=settings.PEEL_CONTACT_EMAIL,
    )


@require_safe
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    return HttpResponse(f"{ROBOTS_TXT}Sitemap: {sitemap}\n", content_type="text/plain; charset=utf-8")
