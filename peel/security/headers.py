"""Response headers Django has no setting for, and the HTTP methods the site answers at all."""

from django.conf import settings
from django.http import HttpResponseNotAllowed

# Everything the site serves is read with GET or HEAD, and forms send POST. TRACE would echo a request back
# (cookies included) and OPTIONS tells a prober nothing it needs; both, and any other method, get 405.
METHODS = ("GET", "HEAD", "POST")
API = "/api/"


class SecurityHeadersMiddleware:
    """Refuses other methods before any view runs, and sets Cross-Origin-Resource-Policy on every answer,
    static files included (so this sits above WhiteNoise)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The API refuses every method but GET and HEAD itself, in JSON like the rest of its answers.
        allowed = request.method in METHODS or request.path.startswith(API)
        response = self.get_response(request) if allowed else HttpResponseNotAllowed(METHODS)
        response.headers.setdefault("Cross-Origin-Resource-Policy", settings.PEEL_CROSS_ORIGIN_RESOURCE_POLICY)
        return response
