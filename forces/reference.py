"""What nearly every page reads of the forces (the regions, each force's context), kept per content token
(``peel.caching.kept``) so that a page asks the database only for what is its own. Every object here is shared
by the requests of a process: read it, never change it."""

from peel.caching.kept import kept

from .models import ContextPoint, Force, KeyFact, PlanPriority, Region


def regions():
    """Every region, by name."""
    return kept("regions", lambda: list(Region.objects.all()))


def forces():
    """Every force with its region, by region and then by name: as lists of every force show them."""
    return kept("forces", lambda: list(Force.objects.by_region()))


def force_context(force_id):
    """What a force's pages show beside its grades: ``key_facts`` (its latest period, in the order shown),
    ``context_points`` and ``plan_priorities`` (each in order), as a dict for a template's context."""
    return kept("force context", _force_context, force_id)


def _force_context(force_id):
    return {
        "key_facts": KeyFact.objects.latest_for(force_id),
        "context_points": list(ContextPoint.objects.filter(force=force_id).order_by("position", "id")),
        "plan_priorities": list(PlanPriority.objects.filter(force=force_id).order_by("position", "id")),
    }
