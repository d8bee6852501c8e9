from django.utils.functional import SimpleLazyObject

from .models import Consultation


def open_consultations(request):
    """The open consultations for the banner on every page: one query, made only when a page shows the
    banner, and made once however many templates a request renders."""

    def fetch():
        if not hasattr(request, "_open_consultations"):
            request._open_consultations = list(Consultation.objects.for_banner())
        return request._open_consultations

    return {"open_consultations": SimpleLazyObject(fetch)}
