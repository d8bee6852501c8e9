"""Previews: a page as it will look once everything on it is published, at its real address.

Two people may ask for one, always with ``?preview=`` on a GET or HEAD request:

* staff who author or publish (a change permission on any publishable model) with ``?preview=1``. They opt
  in, so without it they see the live page as the public does;
* anyone holding a publisher's preview link: ``?preview=<token>``, a token signed with this site's secret
  key (``token_for``) naming a ``PreviewLink``. The link opens the one page it was made for, and only while
  its row says it is neither expired nor revoked, read again on every request, so revoking works at once.

During the view, ``peel.publishing.previewing`` makes every item but a withdrawn one count as published. A
preview's response is never stored by a cache (``Cache-Control: private, no-store``) nor indexed
(``X-Robots-Tag`` and a robots meta tag in ``base.html``), and the page carries a banner saying what it is
(``templates/includes/preview_banner.html``, given ``preview`` by the ``context`` processor).

A link that has expired or was revoked opens the page as the public sees it; where the public would find
nothing, its holder is told plainly why the link no longer works (410), not shown a bare "Page not found".
Views that take input (responding to a consultation) are marked ``no_preview`` and never run in a preview.
"""

from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import SuspiciousOperation
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import timezone

from peel.publishing.models import PreviewLink
from peel.publishing.rule import previewing, publishable_models

PARAMETER = "preview"
STAFF_VALUE = "1"
SALT = "peel.publishing.preview-link"
READING = ("GET", "HEAD")


@dataclass(frozen=True)
class Preview:
    """What templates are told about the preview they render in: by staff, or through ``link``."""

    link: PreviewLink | None = None

    @property
    def by_staff(self):
        return self.link is None


def token_for(link):
    """The signed value of ``?preview=`` that opens ``link``'s page: always the same for a link (its expiry and
    revocation are in its row, not in the token), so the admin shows one address however often it is read."""
    return _signer().sign_object(link.pk)


def link_from_token(token):
    """The link a token names, whatever its state; None for a token this site did not sign."""
    try:
        pk = _signer().unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None
    if type(pk) is not int:
        return None
    return PreviewLink.objects.filter(pk=pk).first()


def _signer():
    return signing.Signer(salt=SALT)  # the secret key (and any fallback keys) from settings


def address_of(link, request):
    """The full address to send: the page's, with its token, on the host the request came to."""
    return request.build_absolute_uri(f"{link.path}?{PARAMETER}={token_for(link)}")


def may_preview(user):
    """Staff who author or publish: a change permission on any publishable model (both roles have one)."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return any(
        user.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}") for model in publishable_models()
    )


def no_preview(view):
    """Mark a view that never runs in a preview, such as one that takes a consultation response."""
    view.no_preview = True
    return view


def _previewable(request):
    """Whether the address is a public page that may be previewed: not the admin, not a view marked
    ``no_preview``, and a page this site has at all."""
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return False
    return "admin" not in match.namespaces and not getattr(match.func, "no_preview", False)


def _asked(request):
    """The preview asked for in the query string, if any. A query string too big to read is left for the view
    to refuse in its own way (the API answers in JSON): no preview is read from it."""
    if f"{PARAMETER}=" not in request.META.get("QUERY_STRING", ""):
        return None
    try:
        return request.GET.get(PARAMETER)
    except SuspiciousOperation:
        return None


def mark_private(response):
    """Never stored by a cache, never indexed, and the address (with any token) never sent on as a referrer."""
    response["Cache-Control"] = "private, no-store"
    if "noindex" not in response.get("X-Robots-Tag", ""):
        response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


class PreviewMiddleware:
    """Turns a preview on for the request when staff or a valid link ask for one. Goes after
    AuthenticationMiddleware, which it needs for staff."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.preview = None
        asked = _asked(request)
        if not asked or request.method not in READING or not _previewable(request):
            return self.get_response(request)
        if asked == STAFF_VALUE:
            if not may_preview(request.user):
                return self.get_response(request)
            return self._preview(request, Preview(), reason="staff")
        return self._by_link(request, link_from_token(asked))

    def _preview(self, request, preview, *, reason):
        request.preview = preview
        with previewing(reason):
            response = self.get_response(request)
        return mark_private(response)

    def _by_link(self, request, link):
        if link is not None and link.path != request.path:
            return self.get_response(request)  # a link for another page: this one as the public sees it
        if link is not None and link.is_valid_at(timezone.now()):
            response = self._preview(request, Preview(link=link), reason=f"link {link.pk}")
            if response.status_code == 404:  # its item was withdrawn, deleted or moved since
                return unavailable(request, "gone", link)
            return response
        response = self.get_response(request)
        if response.status_code != 404:
            return response  # published since (or always public): the live page
        if link is None:
            return unavailable(request, "invalid", None, status=404)
        return unavailable(request, "revoked" if link.revoked_at else "expired", link)


def unavailable(request, reason, link, *, status=410):
    """The page telling a link's holder why it does not open the page any more."""
    context = {"reason": reason, "link": link, "nav_section": None}
    return mark_private(render(request, "preview_unavailable.html", context, status=status))


def context(request):
    """``preview``: a ``Preview`` while the page is one, else None."""
    return {"preview": getattr(request, "preview", None)}
