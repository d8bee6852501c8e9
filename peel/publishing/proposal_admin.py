"""A public item's change form in the admin: saving it proposes a change (``peel.publishing.proposals``) rather
than changing the public page; the form shows any proposal waiting, for further edits; and a page sets the
proposal beside the live page, field by field."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from peel.publishing import proposals
from peel.publishing.models import AuditEntry, Proposal
from peel.publishing.roles import can_publish
from peel.publishing.rule import is_public
from peel.revisions import when

SEEN_PROPOSAL = "seen_proposal"  # the change form's hidden field: the proposal it was opened at, if any
_PROPOSING = "_peel_proposing"  # set on the request while a public item's form is handled
_STALE = "_peel_stale_proposal"  # set when the form was opened before the proposal now waiting
STALE_MESSAGE = (
    "Someone else proposed a change to this page after you opened it. Your changes were not saved: copy them, "
    "reload the page and make them again."
)


class _Outcome(Exception):
    def __init__(self, response=None, serialized=None):
        self.response, self.serialized = response, serialized


class ProposalAdminMixin:
    def _is_live(self, obj):
        return is_public(obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Ahead of reversion's change_view, which would record the rolled-back save as a revision.
        obj = self.get_object(request, unquote(object_id))
        if not self._is_live(obj):
            return super().change_view(request, object_id, form_url, extra_context)
        return self._proposal_form(request, obj, object_id, form_url, extra_context)

    def _proposal_form(self, request, obj, object_id, form_url, extra_context):
        """The form of a public item, holding its proposal if there is one. A save inside it is rolled back
        and kept as the proposal: the public page does not change."""
        proposal = proposals.pending(obj)
        seen = str(proposal.pk) if proposal else ""
        if request.method == "POST" and request.POST.get(SEEN_PROPOSAL, "") != seen:
            # Refused on the form (see get_form), which is shown again with what was typed; it keeps the
            # proposal it was opened at, so sending it again is refused again.
            setattr(request, _STALE, True)
            seen = request.POST.get(SEEN_PROPOSAL, "")
        context = {**(extra_context or {}), SEEN_PROPOSAL: seen, "proposal": proposal}
        if proposal:
            context["proposal_made_when"] = when(proposal.made_at)
        setattr(request, _PROPOSING, True)
        try:
            with transaction.atomic():
                if proposal:
                    proposals.write(proposal, obj)
                response = self.changeform_view(request, object_id, form_url, context)
                if request.method == "POST" and response.status_code == 302:
                    raise _Outcome(serialized=proposals.snapshot(obj))
                if hasattr(response, "render"):
                    response.render()  # while the proposal is in the database
                raise _Outcome(response=response)
        except _Outcome as outcome:
            if outcome.response is not None:
                return outcome.response
            return self._keep_proposal(request, obj, outcome.serialized)
        finally:
            setattr(request, _PROPOSING, False)

    def _keep_proposal(self, request, obj, serialized):
        """Keep what the save would have made as the item's proposal, described by how it differs from the
        live page; a proposal that no longer differs from it is dropped."""
        summary = proposals.describe(proposals.compare_with_live(Proposal(serialized=serialized), obj))
        if not summary:
            dropped = proposals.pending(obj)
            if dropped is not None:
                dropped.delete()
            messages.info(request, f"“{obj}” is as it is on the public site: no change is waiting for approval.")
            return redirect(request.path)
        stored = proposals.store(obj, serialized, summary, request.user)
        AuditEntry.record(AuditEntry.Action.PROPOSED, user=request.user, item=obj, detail=stored.summary)
        messages.success(
            request,
            f"Your change to “{obj}” is saved as a proposal. The public page is unchanged until a publisher "
            "approves it.",
        )
        return redirect(request.path)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if not getattr(request, _STALE, False):
            return form

        class StaleProposalForm(form):
            def clean(self):
                super().clean()
                raise ValidationError(STALE_MESSAGE, code="stale")

        StaleProposalForm.__name__ = form.__name__
        return StaleProposalForm

    def message_user(self, request, message, *args, **kwargs):
        if getattr(request, _PROPOSING, False) and request.method == "POST":
            return None  # the save is rolled back: the proposal's own message says what happened
        return super().message_user(request, message, *args, **kwargs)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Restoring a public item takes it off the site as a draft: a publisher's decision."""
        obj = self.get_object(request, unquote(object_id))
        if self._is_live(obj) and not can_publish(request.user, self.model):
            raise PermissionDenied
        return super().revision_view(request, object_id, version_id, extra_context)

    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        route = path(
            "<path:object_id>/proposal/",
            self.admin_site.admin_view(self.proposal_view),
            name=f"{info}_proposal",
        )
        return [route, *super().get_urls()]

    def proposal_view(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        proposal = proposals.pending(obj)
        if proposal is None:
            messages.info(request, f"“{obj}” has no proposed change waiting.")
            return redirect(self._url("change", obj.pk))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Proposed change: {obj}",
            "subtitle": None,
            "opts": self.opts,
            "object": obj,
            "proposal": proposal,
            "made_when": when(proposal.made_at),
            "comparison": proposals.compare_with_live(proposal, obj),
            "actions": [
                (action.label, self._url("publishing", obj.pk, action.name))
                for action in self._offered(request, obj)
                if action.name in ("approve-change", "discard-change")
            ],
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/publishing/proposal_compare.html", context)
