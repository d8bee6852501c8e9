"""The publishing actions an item's page and its list offer: what each is called, what it asks for, who may
take it, in which states it applies, and what it does (through ``peel.publishing.workflow``)."""

from collections.abc import Callable
from dataclasses import dataclass

from peel.publishing import forms, proposals, releases, workflow
from peel.publishing.rule import LIVE_STATES, Status


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    form: type
    needs_publish: bool
    applies: Callable  # (item, now) -> bool: offered for an item in its state
    run: Callable  # (item, user, form) -> workflow.Done or None
    done: str  # "Sent for review: 3 items."


def _add_to_release(obj, user, form):
    releases.add(form.cleaned_data["release"], [obj], user)


def _remove_from_release(obj, user, form):
    releases.remove(obj.release, [obj], user)


ACTIONS = {
    action.name: action
    for action in [
        Action(
            "review",
            "Send for review",
            forms.ReviewForm,
            False,
            lambda obj, now: obj.status in (Status.DRAFT, Status.WITHDRAWN),
            lambda obj, user, form: workflow.send_for_review(obj, user),
            "Sent for review",
        ),
        Action(
            "draft",
            "Return to draft",
            forms.DraftForm,
            False,
            lambda obj, now: obj.status in (Status.REVIEW, Status.SCHEDULED) and not obj.is_public_at(now),
            lambda obj, user, form: workflow.return_to_draft(obj, user, form.cleaned_data["reason"]),
            "Returned to draft",
        ),
        Action(
            "approve",
            "Approve",
            forms.ApproveForm,
            True,
            lambda obj, now: obj.status == Status.REVIEW,
            lambda obj, user, form: workflow.approve(
                obj,
                user,
                at=form.moment,
                force_reason=form.cleaned_data["force_reason"],
                change_kind=form.cleaned_data["change_kind"],
                change_note=form.cleaned_data["change_note"],
            ),
            "Approved",
        ),
        Action(
            "withdraw",
            "Withdraw",
            forms.WithdrawForm,
            True,
            lambda obj, now: obj.status in LIVE_STATES,
            lambda obj, user, form: workflow.withdraw(obj, user, form.cleaned_data["reason"]),
            "Withdrawn",
        ),
        Action(
            "approve-change",
            "Approve the proposed change",
            forms.ApproveChangeForm,
            True,
            lambda obj, now: obj.is_public_at(now) and proposals.pending(obj) is not None,
            lambda obj, user, form: workflow.approve_change(
                obj,
                user,
                force_reason=form.cleaned_data["force_reason"],
                change_kind=form.cleaned_data["change_kind"],
                change_note=form.cleaned_data["change_note"],
            ),
            "Change approved and public",
        ),
        Action(
            "discard-change",
            "Discard the proposed change",
            forms.ReviewForm,
            False,
            lambda obj, now: proposals.pending(obj) is not None,
            lambda obj, user, form: workflow.discard_change(obj, user),
            "Proposed change discarded",
        ),
        Action(
            "release",
            "Add to a release",
            forms.ReleaseChoiceForm,
            True,
            lambda obj, now: obj.release_id is None and not obj.is_public_at(now),
            _add_to_release,
            "Added to the release",
        ),
        Action(
            "unrelease",
            "Take out of its release",
            forms.ReviewForm,
            True,
            lambda obj, now: obj.release_id is not None and not obj.is_public_at(now),
            _remove_from_release,
            "Taken out of the release",
        ),
    ]
}
