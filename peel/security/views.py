"""/.well-known/security.txt (RFC 9116): where to report a vulnerability."""

from datetime import UTC, timedelta

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

# The file must say when it stops being valid, less than a year ahead; it is written afresh on each request.
VALID_FOR = timedelta(days=180)


@require_safe
def security_txt(request):
    contact = settings.PEEL_SECURITY_CONTACT or request.build_absolute_uri(reverse("contact"))
    expires = (timezone.now() + VALID_FOR).replace(microsecond=0).astimezone(UTC)
    lines = [
        f"Contact: {contact}",
        f"Expires: {expires:%Y-%m-%dT%H:%M:%SZ}",
        "Preferred-Languages: en",
        f"Canonical: {request.build_absolute_uri(request.path)}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
