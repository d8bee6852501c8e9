"""Comparing two states of an item, field by field: two revisions, or a revision and what is saved now."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import models
from django.utils.formats import date_format
from django.utils.text import capfirst

from peel.revisions.record import _FOLLOWS, family


@dataclass
class Snapshot:
    """One row as a revision holds it, or as it is saved now: its label and its values by attribute name."""

    model: type
    label: str
    values: dict


@dataclass
class FieldRow:
    label: str
    older: str
    newer: str
    changed: bool


@dataclass
class ItemComparison:
    """One row of the item (the item itself, or a row saved with it) in both states."""

    title: str
    state: str  # "changed", "unchanged", "added" or "removed"
    rows: list = field(default_factory=list)


def shown_fields(model):
    """The fields a person edits (not the primary key, nor stamps such as ``updated_at``)."""
    return [f for f in model._meta.concrete_fields if f.editable and not f.primary_key]


def held_versions(version):
    """``version`` and the versions of the rows followed from it that its revision holds, parents first.

    A revision may hold more than this item (the data loader's holds everything it loaded; an assessment's
    holds all its judgments), so only the item's own rows are picked out.
    """
    by_model = defaultdict(list)
    for member in version.revision.version_set.all():
        by_model[member._model].append(member)
    found = []

    def walk(member):
        found.append(member)
        for name in _FOLLOWS.get(member._model, ()):
            relation = member._model._meta.get_field(name)
            for child in by_model[relation.related_model]:
                if str(child.field_dict.get(relation.field.attname)) == member.object_id:
                    walk(child)

    walk(version)
    return found


def snapshots_from_revision(version):
    """The item's rows as ``version``'s revision holds them, keyed (model, object id)."""
    return {
        (member._model, member.object_id): Snapshot(member._model, member.object_repr, member.field_dict)
        for member in held_versions(version)
    }


def snapshots_now(obj):
    return {
        (type(member), str(member.pk)): Snapshot(
            type(member), str(member), {f.attname: f.value_from_object(member) for f in shown_fields(type(member))}
        )
        for member in family(obj)
    }


class Comparison:
    """Two states of an item (older and newer) side by side: the item's every field, marking what changed,
    then each row saved with it that was added, removed or changed between the two."""

    def __init__(self, older, newer, root):
        self._labels = {}
        self.items = []
        self.unchanged_rows = 0
        keys = [root, *(k for k in newer if k != root), *(k for k in older if k not in newer and k != root)]
        for key in keys:
            item = self._item(key[0], older.get(key), newer.get(key), is_root=key == root)
            if item.state == "unchanged" and key != root:
                self.unchanged_rows += 1
            else:
                self.items.append(item)

    @property
    def changed(self):
        return any(item.state != "unchanged" for item in self.items)

    def _item(self, model, before, after, *, is_root):
        present = after or before
        state = "added" if before is None else "removed" if after is None else "unchanged"
        rows = []
        for f in shown_fields(model):
            old = before.values.get(f.attname) if before else None
            new = after.values.get(f.attname) if after else None
            changed = _comparable(old) != _comparable(new)
            if changed and state == "unchanged":
                state = "changed"
            if is_root or changed:
                rows.append(FieldRow(capfirst(f.verbose_name), self._show(f, old), self._show(f, new), changed))
        return ItemComparison(f"{capfirst(model._meta.verbose_name)}: {present.label}", state, rows)

    def _show(self, f, value):
        if value is None or value == "":
            return ""
        if f.choices:
            return str(dict(f.flatchoices).get(value, value))
        if f.is_relation:
            return self._related_label(f.related_model, value)
        if isinstance(f, models.BooleanField):
            return "Yes" if value else "No"
        if isinstance(f, models.DateField):
            return date_format(value, "j F Y")
        return str(value)

    def _related_label(self, model, pk):
        key = (model, pk)
        if key not in self._labels:
            related = model._default_manager.filter(pk=pk).first()
            self._labels[key] = str(related) if related else f"{model._meta.verbose_name} {pk} (since deleted)"
        return self._labels[key]


def _comparable(value):
    # A browser sends a text area's line breaks as CRLF; text loaded from files has LF. Neither is a change.
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


def compare(obj, older, newer=None):
    """Compare revision ``older`` of ``obj`` with revision ``newer``, or with what is saved now."""
    root = (type(obj), str(obj.pk))
    after = snapshots_from_revision(newer) if newer else snapshots_now(obj)
    return Comparison(snapshots_from_revision(older), after, root)
