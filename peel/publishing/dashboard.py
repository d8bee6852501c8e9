"""What the admin's front page shows each person: what awaits review, what is scheduled, the releases being
planned, forced publications a second publisher should look at, and the person's own drafts.

``dashboard(user)`` makes a fixed number of queries however much there is: one for each publishable model in
each list (capped at ``CAP`` rows, with the full count from a window over the same query), one for the
releases, one for each model to count the releases' items, and one for the audit log.

"Newest changed first" reads the newest revision that holds the row (every save in the admin and every change
of state records one, see ``peel.revisions``), through a subquery on reversion's versions, indexed by content
type and object id. A model with its own ``updated_at`` falls back to it where a row has no revision (a row
made by a script); the primary key, newest first, breaks ties.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Count, F, OuterRef, Q, Subquery, Window
from django.db.models.functions import Cast, Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from reversion.models import Version

from peel.publishing.models import AuditEntry, Proposal, Release
from peel.publishing.roles import can_publish
from peel.publishing.rule import LIVE_STATES, Status, publishable_models

CAP = 20  # rows in each list, per kind of item


@dataclass
class Row:
    obj: object
    url: str
    changed_at: object = None  # the newest revision's time, or updated_at, or None


@dataclass
class Section:
    """One kind of item in one list: up to ``CAP`` rows, how many there are in all, and the full list's link."""

    title: str
    rows: list
    total: int
    see_all_url: str

    @property
    def more(self):
        return self.total - len(self.rows)

    @property
    def see_all_label(self):
        plural = self.title.lower()
        return f"See all {self.total} {plural}" if self.more else f"Open the list of {plural}"


@dataclass
class ReleaseRow:
    release: Release
    url: str
    items: int = 0
    waiting: int = 0  # items not approved yet: they hold the release

    @property
    def status(self):
        if self.release.state == Release.State.SCHEDULED:
            return "Ready: goes out at its time" if self.release.ready else "Held: not every item is approved"
        return self.release.get_state_display()


@dataclass
class ForcedRow:
    entry: AuditEntry
    url: str  # the item's change form, or "" where it is gone


@dataclass
class Board:
    review: list = field(default_factory=list)
    scheduled: list = field(default_factory=list)
    releases: list = field(default_factory=list)
    forced: list = field(default_factory=list)
    forced_total: int = 0
    forced_url: str = ""
    drafts: list = field(default_factory=list)
    proposals: list = field(default_factory=list)  # (proposal, its comparison page), newest first
    proposals_total: int = 0
    releases_url: str = ""
    sees_items: bool = False  # may see at least one kind of publishable item

    @property
    def item_lists(self):
        """The lists of items, each as (html id, heading, what it says when empty, sections)."""
        if not self.sees_items:
            return []
        return [
            ("dashboard-review", "Awaiting review", "Nothing is waiting for review.", self.review),
            ("dashboard-scheduled", "Approved, not public yet", "Nothing is scheduled.", self.scheduled),
            ("dashboard-drafts", "Your drafts", "You have no drafts.", self.drafts),
        ]

    @property
    def is_shown(self):
        return self.sees_items or bool(self.releases_url or self.forced_url)


def _admin_url(model, view, *args):
    opts = model._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)
    except NoReverseMatch:
        return ""


def _may_see(user, model):
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.view_{opts.model_name}") or user.has_perm(
        f"{opts.app_label}.change_{opts.model_name}"
    )


def _select_related(model):
    """What each row's name reads (an assessment's force and year): the model admin's own list, if any."""
    try:
        related = admin.site.get_model_admin(model).list_select_related
    except NotRegistered:
        return []
    return list(related) if isinstance(related, list | tuple) else []


def changed_at(model):
    """An expression for when a row was last changed: its newest revision, else its ``updated_at``."""
    newest = (
        Version.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id=Cast(OuterRef("pk"), CharField()),
        )
        .order_by("-revision__date_created")
        .values("revision__date_created")[:1]
    )
    fields = {f.name for f in model._meta.concrete_fields}
    if "updated_at" in fields:
        return Coalesce(Subquery(newest), F("updated_at"))
    return Subquery(newest)


def _section(model, queryset, *, order, see_all):
    related = [*_select_related(model), "changed_by", "release"]
    rows = list(queryset.select_related(*related).annotate(_total=Window(Count("pk"))).order_by(*order)[:CAP])
    if not rows:
        return None
    changelist = _admin_url(model, "changelist")
    return Section(
        title=str(model._meta.verbose_name_plural).capitalize(),
        rows=[Row(obj, _admin_url(model, "change", obj.pk), getattr(obj, "_changed_at", None)) for obj in rows],
        total=rows[0]._total,
        see_all_url=f"{changelist}?{urlencode(see_all)}" if changelist else "",
    )


def dashboard(user, now=None):
    """The front page's lists for ``user``, from the kinds of item they may see."""
    now = now or timezone.now()
    board = Board()
    if not (user.is_active and user.is_staff):
        return board
    newest = [F("_changed_at").desc(nulls_last=True), "-pk"]
    for model in publishable_models():
        if not _may_see(user, model):
            continue
        board.sees_items = True
        items = model._default_manager.annotate(_changed_at=changed_at(model))
        review = _section(
            model, items.filter(status=Status.REVIEW), order=newest, see_all={"status__exact": Status.REVIEW}
        )
        # Approved but not public yet: at a time of their own, or held until their release is ready.
        scheduled = _section(
            model,
            items.filter(status=Status.SCHEDULED).filter(Q(publish_at__isnull=True) | Q(publish_at__gt=now)),
            order=[F("publish_at").asc(nulls_last=True), "-pk"],
            see_all={"status__exact": Status.SCHEDULED},
        )
        drafts = _section(
            model,
            items.filter(status=Status.DRAFT, changed_by=user),
            order=newest,
            see_all={"status__exact": Status.DRAFT, "changed_by__exact": user.pk},
        )
        for found, into in ((review, board.review), (scheduled, board.scheduled), (drafts, board.drafts)):
            if found is not None:
                into.append(found)
    if board.sees_items:
        board.proposals, board.proposals_total = _proposals()
    if _may_see(user, Release):
        board.releases = _releases(now)
        board.releases_url = _admin_url(Release, "changelist")
    if can_publish(user, Release) and _may_see(user, AuditEntry):  # those who may mark them looked at
        board.forced, board.forced_total = _forced()
        board.forced_url = f"{_admin_url(AuditEntry, 'changelist')}?needs_review__exact=1"
    return board


def _releases(now):
    """Releases that have not gone out, soonest first, each with how many items it has and how many hold it."""
    rows = [
        ReleaseRow(release, _admin_url(Release, "change", release.pk))
        for release in Release.objects.exclude(state=Release.State.RELEASED)
        .exclude(ready=True, publish_at__lte=now)
        .order_by(F("publish_at").asc(nulls_last=True), "-pk")[:CAP]
    ]
    if not rows:
        return rows
    by_id = {row.release.pk: row for row in rows}
    for model in publishable_models():
        counts = (
            model._default_manager.filter(release__in=by_id)
            .values("release")
            .annotate(items=Count("pk"), waiting=Count("pk", filter=~Q(status__in=LIVE_STATES)))
            .order_by()
        )
        for count in counts:
            row = by_id[count["release"]]
            row.items += count["items"]
            row.waiting += count["waiting"]
    return rows


def _forced():
    """Forced publications and changes to live items that a second publisher has not looked at yet."""
    entries = list(
        AuditEntry.objects.filter(needs_review=True)
        .select_related("content_type")
        .annotate(_total=Window(Count("pk")))
        .order_by("-at", "-pk")[:CAP]
    )
    rows = []
    for entry in entries:
        url = ""
        if entry.content_type is not None and entry.object_id:
            model = entry.content_type.model_class()
            url = _admin_url(model, "change", entry.object_id) if model is not None else ""
        rows.append(ForcedRow(entry, url))
    return rows, (entries[0]._total if entries else 0)


def _proposals():
    """Proposed changes to public pages, newest first, each with its comparison with the live page. One
    query, and one for their number when there are more than ``CAP``."""
    found = list(Proposal.objects.select_related("content_type", "made_by").order_by("-made_at")[:CAP])
    rows = []
    for proposal in found:
        model = proposal.content_type.model_class() if proposal.content_type else None
        url = _admin_url(model, "proposal", proposal.object_id) if model else ""
        rows.append((proposal, url))
    total = len(found) if len(found) < CAP else Proposal.objects.count()
    return rows, total
