"""The respondent's journey: read a consultation, answer, check the answers, send, get a reference.

Nothing here uses a session: the answers travel signed in the pages (see ``payload``), so a reader's pages
stay cookie-free and cacheable. The form pages carry Django's CSRF token, which sets its ``csrftoken``
cookie there and only there.
"""

from django.core import signing
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from peel.breadcrumbs import breadcrumbs
from peel.publishing import is_previewing
from peel.publishing.preview import no_preview

from . import limits, payload
from .forms import ResponseForm
from .models import Consultation, Phase
from .submission import NotOpen, TooMany, submit_response

RECEIPT_SALT = "consultations.receipt"


def _crumbs(consultation=None, *more):
    trail = [("Consultations", reverse("consultations:consultation-list") if consultation else None)]
    if consultation:
        trail.append((consultation.title, consultation.get_absolute_url() if more else None))
    return breadcrumbs(*trail, *more)


def _context(consultation, **context):
    return {"consultation": consultation, "nav_section": "consultations", **context}


@require_safe
def consultation_list(request):
    groups = Consultation.objects.for_list().by_phase()
    context = {**groups, "breadcrumbs": _crumbs(), "nav_section": "consultations"}
    return render(request, "consultations/consultation_list.html", context)


@require_safe
def consultation_detail(request, slug):
    """The consultation as the public sees it. In a preview (``peel.publishing.preview``: staff with
    ?preview=1, or a preview link) a draft shows too, and one not open yet says so, under a banner; it never
    takes a response from there, since responding goes through the published, open consultation only."""
    consultation = get_object_or_404(Consultation.objects.published().for_page(), slug=slug)
    phase = consultation.phase
    not_public_yet = is_previewing() and (not consultation.is_published or phase == Phase.UPCOMING)
    context = _context(consultation, phase=phase, not_public_yet=not_public_yet, breadcrumbs=_crumbs(consultation))
    response = render(request, "consultations/consultation_detail.html", context)
    if not_public_yet:  # the preview middleware makes it private and unindexed; this page has long said noindex
        response["X-Robots-Tag"] = "noindex"
    return response


def _open_or_refuse(request, slug):
    """The published consultation and None when it takes responses; otherwise the refusal to send."""
    consultation = get_object_or_404(Consultation.objects.published().for_responding(), slug=slug)
    if consultation.phase == Phase.OPEN:
        return consultation, None
    return consultation, refused(request, consultation)


def refused(request, consultation):
    # 403, not 410: a closed consultation can be extended or re-opened, so the refusal is not for ever.
    context = _context(consultation, phase=consultation.phase, breadcrumbs=_crumbs(consultation, ("Respond", None)))
    return render(request, "consultations/refused.html", context, status=403)


def _form_page(request, consultation, form):
    context = _context(consultation, form=form, breadcrumbs=_crumbs(consultation, ("Respond", None)))
    return render(request, "consultations/respond.html", context)


def _check_page(request, consultation, form):
    """The answers to check, with the signed copy that "Change" and "Send response" carry on."""
    context = _context(
        consultation,
        form=form,
        answers=payload.sign(consultation, form.payload()),
        breadcrumbs=_crumbs(consultation, ("Check your answers", None)),
    )
    return render(request, "consultations/check_answers.html", context)


def _too_many(request, consultation):
    seconds = limits.retry_after()
    context = _context(consultation, minutes=seconds // 60, breadcrumbs=_crumbs(consultation))
    response = render(request, "consultations/too_many.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response


def _start_again(request, consultation):
    context = _context(consultation, breadcrumbs=_crumbs(consultation, ("Respond", None)))
    return render(request, "consultations/start_again.html", context, status=400)


@no_preview  # responding never happens in a preview
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def respond(request, slug):
    consultation, refusal = _open_or_refuse(request, slug)
    if refusal:
        return refusal
    questions = consultation.questions.all()
    if request.method != "POST":
        return _form_page(request, consultation, ResponseForm(questions=questions))
    if "answers" in request.POST:  # "Change" on check your answers: the form again, filled in
        try:
            data = payload.unsign(consultation, request.POST["answers"])
        except payload.ExpiredOrTampered:
            return _start_again(request, consultation)
        return _form_page(request, consultation, ResponseForm(data, questions=questions))
    form = ResponseForm(request.POST, questions=questions)
    if not form.is_valid():
        return _form_page(request, consultation, form)
    return _check_page(request, consultation, form)


@no_preview  # responding never happens in a preview
@never_cache
@require_POST
def submit(request, slug):
    consultation = get_object_or_404(Consultation.objects.published().for_responding(), slug=slug)
    try:
        data = payload.unsign(consultation, request.POST.get("answers"))
    except payload.ExpiredOrTampered:
        return _start_again(request, consultation)
    form = ResponseForm(data, questions=consultation.questions.all())
    if not form.is_valid():  # the questions changed since the answers were checked
        return _form_page(request, consultation, form)
    try:
        response, _ = submit_response(
            consultation=consultation,
            answers=form.answers(),
            about=form.about(),
            submission_key=form.cleaned_data["submission_key"],
            may_store=lambda: limits.allow_response(request),
        )
    except NotOpen:
        return refused(request, consultation)
    except TooMany:
        return _too_many(request, consultation)
    receipt = signing.dumps({"reference": response.reference, "emailed": bool(response.email)}, salt=RECEIPT_SALT)
    return redirect(f"{reverse('consultations:confirmation', kwargs={'slug': slug})}?receipt={receipt}")


@no_preview  # responding never happens in a preview
@never_cache
@require_safe
def confirmation(request, slug):
    consultation = get_object_or_404(Consultation.objects.published(), slug=slug)
    try:
        receipt = signing.loads(request.GET.get("receipt", ""), salt=RECEIPT_SALT)
    except signing.BadSignature:
        return redirect(consultation)
    context = _context(consultation, receipt=receipt, breadcrumbs=_crumbs(consultation))
    return render(request, "consultations/confirmation.html", context)
