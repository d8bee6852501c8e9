"""Warnings for an item's change form: where the state of what it belongs to, or of what belongs to it, means
the public will not see what staff might expect.

A child is public only while everything it belongs to is public too (``peel.publishing.rule``), so a published
assessment in a draft year is hidden, and a judgment scheduled for 7am whose assessment is scheduled for 9am
shows at 9am. An approved assessment goes live without those of its judgments that are still drafts; a
published year with no approved grades has empty pages.

What each model hangs from, and what hangs from it, is declared in the dicts below by model label.
``warnings_for(obj)`` returns the sentences to show; the change form shows them through the
``publishing_warnings`` template tag (``peel.templatetags.publishing_admin``), or from the context's
``publishing_warnings`` where the admin puts them there itself.
"""

from django.apps import apps
from django.db.models import Q
from django.utils import timezone

from peel.publishing.rule import LIVE_STATES, Publishable, Status, follow
from peel.revisions import when

# The items each model's rows need public before the public sees them: attribute paths, nearest first.
PARENTS = {
    "inspections.assessment": ["year"],
    "inspections.pillarjudgment": ["assessment", "assessment.year"],
    "inspections.report": ["year"],
}

# The publishable rows an item goes live with: relation name -> the attribute path that names each one.
CHILDREN = {
    "inspections.assessment": {"pillar_judgments": "pillar.name"},
}

# An approved item whose pages are empty without some of these approved: (model label, lookup from that model
# to the item, what they are called). Every item along the lookup must be approved too.
NEEDS_SOME = {
    "inspections.inspectionyear": [("inspections.pillarjudgment", "assessment__year", "grades")],
}

NOT_APPROVED = {Status.DRAFT: "a draft", Status.REVIEW: "in review", Status.WITHDRAWN: "withdrawn"}


def warnings_for(obj, now=None):
    """Sentences warning that ``obj``, or some of what it goes live with, will not be seen as its state says."""
    if obj is None or getattr(obj, "pk", None) is None or not isinstance(obj, Publishable):
        return []
    if obj.status not in LIVE_STATES:
        return []  # hidden by its own state already: nothing a parent does can surprise anyone
    now = now or timezone.now()
    label = obj._meta.label_lower
    found = []
    for path in PARENTS.get(label, []):
        parent = follow(obj, path)
        if isinstance(parent, Publishable):
            found += _hidden_by(obj, parent, now)
    for relation, naming in CHILDREN.get(label, {}).items():
        found += _left_behind(obj, relation, naming, now)
    for model_label, lookup, what in NEEDS_SOME.get(label, []):
        found += _empty(obj, apps.get_model(model_label), lookup, what, now)
    return found


def _public_from(item, now):
    """When the public sees ``item`` on its own account: ``now`` if it is public, its time if it is scheduled
    for one, None if it is not approved or waits for its release."""
    if item.is_public_at(now):
        return now
    if item.status == Status.SCHEDULED and item.publish_at is not None:
        return item.publish_at
    return None


def _state(item, now):
    """The state in words that fit a sentence: "published", "scheduled for 3 March 2026, 07:00", "a draft"."""
    if item.is_public_at(now):
        return "published"
    if item.status == Status.SCHEDULED:
        if item.publish_at is None:
            return "approved but held until its release is ready"
        return f"scheduled for {when(item.publish_at)}"
    return NOT_APPROVED.get(item.status, item.get_status_display().lower())


def _name(obj):
    return str(obj._meta.verbose_name)


def _hidden_by(child, parent, now):
    child_at, parent_at = _public_from(child, now), _public_from(parent, now)
    this, its = f"This {_name(child)}", f"its {_name(parent)} “{parent}”"
    if parent_at is None:
        return [
            f"{this} is {_state(child, now)}, but {its} is {_state(parent, now)}: the public will not see "
            f"this {_name(child)} until the {_name(parent)} goes public too."
        ]
    if child_at is not None and parent_at > child_at:
        return [
            f"{this} is {_state(child, now)}, but {its} is {_state(parent, now)}: the public will not see "
            f"this {_name(child)} before then."
        ]
    return []


def _left_behind(obj, relation, naming, now):
    manager = getattr(obj, relation)
    rows = manager.select_related(naming.split(".")[0]) if "." in naming else manager.all()
    waiting = [row for row in rows if row.status in (Status.DRAFT, Status.REVIEW)]
    if not waiting:
        return []
    plural = str(manager.model._meta.verbose_name_plural)
    names = "; ".join(f"{follow(row, naming)} ({NOT_APPROVED[row.status]})" for row in waiting)
    count = f"{len(waiting)} of its {plural} {'is' if len(waiting) == 1 else 'are'}"
    them, they = ("it", "it is") if len(waiting) == 1 else ("them", "they are")
    if obj.is_public_at(now):
        then = f"The public sees the {_name(obj)} without {them} until {they} approved."
    else:
        then = f"The {_name(obj)} goes live without {them} unless {they} approved too."
    return [f"This {_name(obj)} is {_state(obj, now)}, but {count} not: {names}. {then}"]


def _empty(obj, model, lookup, what, now):
    """Whether none of ``model``'s rows that hang from ``obj`` through ``lookup`` is approved, with every item
    between them approved too."""
    parts = lookup.split("__")
    approved = Q(status__in=LIVE_STATES)
    for depth in range(1, len(parts)):
        approved &= Q(**{"__".join(parts[:depth]) + "__status__in": LIVE_STATES})
    if model._default_manager.filter(approved, **{lookup: obj}).exists():
        return []
    return [f"This {_name(obj)} is {_state(obj, now)}, but none of its {what} is approved: its pages show no {what}."]
