from peel.caching.kept import kept

from .models import Consultation

# Addresses rendered through templates that never show the banner: the admin, and files that are not pages.
WITHOUT_BANNER = {"sitemap", "robots-txt", "assessments-feed"}


def open_consultations(request):
    """The open consultations for the banner on every public page, read here, before the page renders, once
    however many templates a request renders, and kept until the content changes or one opens or closes."""
    match = getattr(request, "resolver_match", None)
    if match is not None and ("admin" in match.namespaces or match.url_name in WITHOUT_BANNER):
        return {}
    if not hasattr(request, "_open_consultations"):
        request._open_consultations = kept("open consultations", _open)
    return {"open_consultations": request._open_consultations}


def _open():
    return list(Consultation.objects.for_banner())
