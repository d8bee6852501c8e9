"""What a load keeps as it runs: the rows already in the database by natural key, and a count of its work.

Every row is checked the way the admin checks it before it is saved, so nothing the admin would refuse
gets in through a data file.
"""

from collections import Counter, defaultdict

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import CheckConstraint, UniqueConstraint


class LoadError(Exception):
    """A problem in a data file, with the file and the line (or a TOML table's position) it is on."""

    def __init__(self, path, line, reason):
        self.path, self.line, self.reason = path, line, reason
        super().__init__(f"{path}:{line}: {reason}")


class Tally:
    """How many rows of each model this load created, changed or found already up to date.

    A row touched several times (an assessment named by many grades) counts once, by the most it went
    through: created, else changed, else unchanged.
    """

    RANK = {"unchanged": 0, "changed": 1, "created": 2}

    def __init__(self):
        self.outcomes = defaultdict(dict)

    def add(self, model, key, outcome):
        seen = self.outcomes[model._meta.verbose_name_plural]
        if self.RANK[outcome] >= self.RANK.get(seen.get(key), -1):
            seen[key] = outcome

    def count(self, outcome):
        return sum(list(rows.values()).count(outcome) for rows in self.outcomes.values())

    @property
    def created(self):
        return self.count("created")

    @property
    def changed(self):
        return self.count("changed")

    def lines(self):
        for name, rows in self.outcomes.items():
            c = Counter(rows.values())
            yield f"{name}: {c['created']} created, {c['changed']} changed, {c['unchanged']} unchanged"
        yield f"total: {self.created} created, {self.changed} changed"


class Store:
    """Existing rows of one model by natural key, so a load makes one query per model to find them.

    ``fields`` name the natural key: a row's key is its value for a single field, or a tuple of them.
    """

    def __init__(self, model, fields, tally):
        self.model, self.fields, self.tally = model, set(fields), tally
        self.attnames = [model._meta.get_field(name).attname for name in fields]
        self.rows = {self.key(obj): obj for obj in model.objects.all()}
        self.checked = {}

    def key(self, obj):
        values = tuple(getattr(obj, attname) for attname in self.attnames)
        return values[0] if len(values) == 1 else values

    def get(self, key):
        return self.rows.get(key)

    def upsert(self, key, values, *, on_create=None):
        """Create or update the row for ``key`` so that it has ``values``, checked before it is saved."""
        obj = self.rows.get(key)
        if obj is None:
            obj = self.model(**values, **(on_create or {}))
            changed = "created"
        else:
            changed = "changed" if any(_differs(getattr(obj, k), v) for k, v in values.items()) else "unchanged"
            for name, value in values.items():
                setattr(obj, name, value)
        if changed != "unchanged":
            validate(obj, self)
            obj.save()
            self.rows[key] = obj
        self.tally.add(self.model, key, changed)
        return obj


def _differs(current, new):
    if hasattr(new, "pk") and hasattr(current, "pk"):
        return current.pk != new.pk
    return current != new


def validate(obj, store):
    """Run the admin's checks on a row before it is saved, as ``full_clean()`` does: each field's validators,
    length and choices, the model's own ``clean()``, its unique fields and its constraints. A problem becomes
    a ValueError reading ``field: message``.

    What the store already knows is not asked of the database again, so a load makes few queries per row:
    a relation always holds a row the loader found or saved; no other row has this row's natural key, since
    the store holds every row of its model; and a check constraint's answer depends only on the values it
    reads, so it is asked once for each set of them.
    """
    errors = {}
    relations = {field.name for field in obj._meta.concrete_fields if field.is_relation}

    def failed():
        return {name for name in errors if name != NON_FIELD_ERRORS}

    checks = (
        lambda: obj.clean_fields(exclude=relations),
        obj.clean,
        lambda: obj.validate_unique(exclude=failed() | (store.fields if len(store.fields) == 1 else set())),
        lambda: _validate_constraints(obj, failed(), store),
    )
    for check in checks:
        try:
            check()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    if errors:
        raise ValueError(describe(ValidationError(errors)))


def _validate_constraints(obj, exclude, store):
    """Model.validate_constraints(), less what the store knows (see validate())."""
    errors = {}
    for model, constraints in obj.get_constraints():
        for constraint in constraints:
            try:
                if isinstance(constraint, CheckConstraint):
                    _check(model, constraint, obj, exclude, store.checked)
                elif not _is_natural_key(constraint, store):
                    constraint.validate(model, obj, exclude=exclude)
            except ValidationError as error:
                fields = getattr(constraint, "fields", ())
                if error.code == "unique" and len(fields) == 1:
                    errors.setdefault(fields[0], []).append(error)
                else:
                    errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _is_natural_key(constraint, store):
    return (
        isinstance(constraint, UniqueConstraint)
        and set(constraint.fields) == store.fields
        and constraint.condition is None
        and not constraint.expressions
    )


def _check(model, constraint, obj, exclude, checked):
    names = sorted(constraint.condition.referenced_base_fields)
    if exclude & set(names):
        return
    key = (constraint.name, *(getattr(obj, model._meta.get_field(name).attname) for name in names))
    if key not in checked:
        try:
            constraint.validate(model, obj, exclude=exclude)
            checked[key] = None
        except ValidationError as error:
            checked[key] = error
    if checked[key] is not None:
        raise checked[key]


def describe(error):
    """A ValidationError's messages on one line, each after the name of its field."""
    parts = []
    for field, messages in error.message_dict.items():
        for message in messages:
            message = message.rstrip(".")
            parts.append(message if field == NON_FIELD_ERRORS else f"{field}: {message}")
    return "; ".join(parts)
