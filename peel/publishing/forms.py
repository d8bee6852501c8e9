"""The forms behind each publishing action: what a person must say to approve, withdraw or add to a release."""

from django import forms
from django.utils import timezone

from peel.authored_text import refuse_control_characters
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


class ApproveChangeForm(forms.Form):
    """Approving a proposed change to a public item: whether readers are told of it, and, for one's own
    change, why it cannot wait for another publisher."""

    change_kind = forms.ChoiceField(
        label="Change note",
        required=False,
        choices=[("", "None"), *ChangeNote.Kind.choices],
        help_text="For a correction to a page already public.",
    )
    change_note = forms.CharField(
        label="What changed",
        required=False,
        max_length=300,
        validators=[refuse_control_characters],  # shown on the page and in the Atom feed
        help_text="As in “Effectiveness grade corrected”.",
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
        if data.get("change_kind") == ChangeNote.Kind.MAJOR and not data.get("change_note", "").strip():
            self.add_error("change_note", "Say what changed: a major change is shown on the page.")
        return data


class ApproveForm(ApproveChangeForm):
    NOW, LATER = "now", "later"

    when = forms.ChoiceField(
        label="Goes public",
        choices=[(NOW, "Now"), (LATER, "At a time")],
        initial=NOW,
        widget=forms.RadioSelect,
        help_text="An item in a release goes public with its release, whatever is chosen here.",
    )
    at = MomentField(label="Time (UK)", required=False, validators=[future])
    field_order = ["when", "at", "change_kind", "change_note", "force_reason"]

    def clean(self):
        data = super().clean()
        if data.get("when") == self.LATER and not data.get("at") and "at" not in self.errors:
            self.add_error("at", "Choose the time it goes public.")
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
