"""The forms behind each publishing action: what a person must say to approve, withdraw or add to a release."""

from django import forms
from django.utils import timezone

from peel.publishing.models import ChangeNote, Release

MOMENT_FORMAT = "%Y-%m-%dT%H:%M"


class MomentField(forms.DateTimeField):
    """A date and time in UK time, picked with the browser's own control (or typed as 2026-03-02T07:00)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=MOMENT_FORMAT)

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", [MOMENT_FORMAT, f"{MOMENT_FORMAT}:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"])
        super().__init__(**kwargs)


def future(moment):
    if moment is not None and moment <= timezone.now():
        raise forms.ValidationError("Choose a time in the future.")


class ReviewForm(forms.Form):
    pass


class DraftForm(forms.Form):
    reason = forms.CharField(
        required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}), help_text="Optional."
    )


class ApproveForm(forms.Form):
    NOW, LATER = "now", "later"

    when = forms.ChoiceField(
        label="Goes public",
        choices=[(NOW, "Now"), (LATER, "At a time")],
        initial=NOW,
        widget=forms.RadioSelect,
        help_text="An item in a release goes public with its release, whatever is chosen here.",
    )
    at = MomentField(label="Time (UK)", required=False, validators=[future])
    change_kind = forms.ChoiceField(
        label="Change note",
        required=False,
        choices=[("", "None: first publication"), *ChangeNote.Kind.choices],
        help_text="For a correction to a page already public.",
    )
    change_note = forms.CharField(
        label="What changed", required=False, max_length=300, help_text="As in “Effectiveness grade corrected”."
    )
    force_reason = forms.CharField(
        label="Reason for publishing your own edit",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only when no other publisher can approve it in time. It is recorded and flagged for review.",
    )

    def clean(self):
        data = super().clean()
        if data.get("when") == self.LATER and not data.get("at") and "at" not in self.errors:
            self.add_error("at", "Choose the time it goes public.")
        if data.get("change_kind") == ChangeNote.Kind.MAJOR and not data.get("change_note", "").strip():
            self.add_error("change_note", "Say what changed: a major change is shown on the page.")
        return data

    @property
    def moment(self):
        return self.cleaned_data["at"] if self.cleaned_data["when"] == self.LATER else None


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why it comes off the public site. Kept in the audit log.",
    )


class ReleaseChoiceForm(forms.Form):
    release = forms.ModelChoiceField(queryset=Release.objects.exclude(state=Release.State.RELEASED), empty_label=None)


class ScheduleReleaseForm(forms.Form):
    at = MomentField(label="Goes out at (UK time)", validators=[future])


class HoldReleaseForm(forms.Form):
    reason = forms.CharField(required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class LiveChangeForm(forms.Form):
    """Mixed into an item's change form while the item is public: a change is public as soon as it is saved."""

    DESCRIPTION = (
        "This page is public: what you save is public at once. Give your reason; it is recorded, and another "
        "publisher is asked to look at the change. Say whether readers should be told of it."
    )

    live_change_reason = forms.CharField(
        label="Reason for changing a public page",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    change_kind = forms.ChoiceField(label="Change note", choices=ChangeNote.Kind.choices, initial=ChangeNote.Kind.MINOR)
    change_note = forms.CharField(
        label="What changed", required=False, max_length=300, help_text="As in “Effectiveness grade corrected”."
    )

    OWN_FIELDS = ("live_change_reason", "change_kind", "change_note")

    def clean(self):
        data = super().clean()
        if data.get("change_kind") == ChangeNote.Kind.MAJOR and not (data.get("change_note") or "").strip():
            self.add_error("change_note", "Say what changed: a major change is shown on the page.")
        return data

    @property
    def changed_data(self):
        """The item's own fields that changed: saying why is not a change to the item."""
        return [name for name in super().changed_data if name not in self.OWN_FIELDS]
