"""The admin's live Markdown preview: staff post what they are typing and get back the HTML the public page
would show, rendered and sanitised by ``peel.markdown.render_markdown``, the renderer every public page uses.

Only staff may use it, only by POST with the CSRF token of the form they are typing in. The script that calls
it is ``static/admin/peel/markdown-preview.js``; without it the admin works as before.
"""

from django.contrib.admin.views.decorators import staff_member_required
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from peel.markdown import render_markdown

MAX_BYTES = 100_000  # 100 kB: far more than any field's text, far less than the request limit
TOO_LONG = "This text is too long to preview (over 100 kB). It is still saved as usual."


@staff_member_required
@require_POST
@never_cache
def markdown_preview(request):
    """``{"html": ...}`` for the posted ``text``, or ``{"error": ...}`` with status 413 when it is too long."""
    # Form-encoded text can take three times its size: refuse a body too big for that before reading it.
    if _content_length(request) > 3 * MAX_BYTES + 4096:
        return JsonResponse({"error": TOO_LONG}, status=413)
    text = request.POST.get("text", "")
    if len(text.encode()) > MAX_BYTES:
        return JsonResponse({"error": TOO_LONG}, status=413)
    return JsonResponse({"html": str(render_markdown(text))})


def _content_length(request):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
