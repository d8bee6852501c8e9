from django.db import models
from django.utils.functional import cached_property

from .addresses import address


class RegionQuerySet(models.QuerySet):
    def with_forces(self):
        return self.prefetch_related("forces")


class Region(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Country(models.TextChoices):
    ENGLAND = "england", "England"
    WALES = "wales", "Wales"


class ForceQuerySet(models.QuerySet):
    def in_region(self, region):
        return self.filter(region=region)

    def by_region(self):
        """With their regions, by region and then by name: as every list of forces shows them."""
        return self.select_related("region").order_by("region__name", "short_name")

    SEARCHED = ("name", "short_name", "other_names", "region__name")

    def search(self, text):
        """Forces whose name, short name, other names (a former name, "the Met", "London") or region contain
        the text, reading "&" as "and" and a hyphen as a space, whatever the case."""
        text = " ".join(text.replace("&", " and ").split()).lower().removeprefix("the ")
        if not text:
            return self
        variants = {text, text.replace("-", " "), text.replace(" ", "-")}
        match = models.Q()
        for field in self.SEARCHED:
            for variant in variants:
                match |= models.Q(**{f"{field}__icontains": variant})
        return self.filter(match)


class Force(models.Model):
    name = models.CharField(max_length=120, unique=True, help_text="Full name, as in “Kent Police”.")
    short_name = models.CharField(
        max_length=80, help_text="The place name used in page titles and tables, as in “Kent”."
    )
    slug = models.SlugField(max_length=80, unique=True, help_text="Used in the force’s web address.")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="forces")
    country = models.CharField(max_length=10, choices=Country, default=Country.ENGLAND)
    other_names = models.TextField(
        blank=True,
        help_text=(
            "Other names people search for, one per line: a former name (“Hampshire Constabulary”), "
            "a common short form (“the Met”) or the place it polices (“London”)."
        ),
    )

    objects = ForceQuerySet.as_manager()

    class Meta:
        ordering = ["short_name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return address("forces:force-detail", force=self.slug)


class KeyFactQuerySet(models.QuerySet):
    def latest_for(self, force):
        """The force's most recent period of key facts, as a list in the order they are shown (KeyFact.UNITS).
        One query; the order is set here rather than in SQL, which would need a CASE over every measure."""
        latest = self.filter(force=force).order_by("-period").values("period")[:1]
        facts = self.filter(force=force, period=models.Subquery(latest)).order_by("pk")
        order = {measure: position for position, measure in enumerate(KeyFact.UNITS)}
        return sorted(facts, key=lambda fact: order.get(fact.measure, len(order)))


class KeyFact(models.Model):
    """One published figure about a force for a period, with the figure for England and Wales beside it."""

    class Measure(models.TextChoices):
        AREA = "area", "Force area"
        POPULATION = "population", "Population"
        POPULATION_CHANGE = "population-change", "Population change over 10 years"
        FRONTLINE_SHARE = "frontline-share", "Frontline police officers"
        OFFICERS_PER_1000 = "officers-per-1000", "Police officers per 1,000 people"
        WORKFORCE_CHANGE = "workforce-change", "Change in workforce over 10 years"
        VICTIM_CRIME = "victim-crime", "Victim-based crimes per person"
        VICTIM_CRIME_TREND = "victim-crime-trend", "Change in victim-based crime over 5 years"
        COST_PER_DAY = "cost-per-day", "Cost of policing per person per day"

    # How each measure's figure reads; the order here is the order on the page.
    UNITS = {
        Measure.AREA: "{:,.0f} square miles",
        Measure.POPULATION: "{:,.0f} people",
        Measure.POPULATION_CHANGE: "{:+.0f}%",
        Measure.FRONTLINE_SHARE: "{:.0f}%",
        Measure.OFFICERS_PER_1000: "{:.2f}",
        Measure.WORKFORCE_CHANGE: "{:+.0f}%",
        Measure.VICTIM_CRIME: "{:.2f}",
        Measure.VICTIM_CRIME_TREND: "{:+.0f}%",
        Measure.COST_PER_DAY: "{:.0f}p",
    }

    force = models.ForeignKey(Force, on_delete=models.CASCADE, related_name="key_facts")
    period = models.CharField(max_length=20, help_text="The period the figures describe, as in “2019/20”.")
    measure = models.CharField(max_length=30, choices=Measure)
    value = models.DecimalField(max_digits=14, decimal_places=2)
    national_value = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The figure for England and Wales, where one is published.",
    )
    source_url = models.URLField(max_length=500, blank=True)

    objects = KeyFactQuerySet.as_manager()

    class Meta:
        ordering = ["force", "-period", "id"]
        constraints = [
            models.UniqueConstraint(fields=["force", "period", "measure"], name="one_key_fact_per_measure"),
        ]

    def __str__(self):
        return f"{self.force.short_name} {self.period}: {self.get_measure_display()}"

    def _format(self, value):
        return None if value is None else self.UNITS[self.measure].format(value)

    # What a page shows of the fact, each worked out once however many times the page shows it.
    @cached_property
    def measure_label(self):
        return self.get_measure_display()

    @cached_property
    def display_value(self):
        return self._format(self.value)

    @cached_property
    def display_national_value(self):
        return self._format(self.national_value)

    CHANGES = {Measure.POPULATION_CHANGE, Measure.WORKFORCE_CHANGE, Measure.VICTIM_CRIME_TREND}

    @cached_property
    def bars(self):
        """Where to draw the force's bar and the national one, as (x, width) in percent of the chart's width.

        Both bars share one scale, set by the larger figure. A change can be negative, so change bars grow
        left or right from the middle. None when there is no national figure to compare with.
        """
        if self.national_value is None:
            return None
        scale = float(max(abs(self.value), abs(self.national_value))) or 1.0
        diverging = self.measure in self.CHANGES

        def bar(value):
            value = float(value)
            if not diverging:
                return {"x": 0, "width": round(max(value, 0) / scale * 100, 1)}
            width = round(abs(value) / scale * 50, 1)
            return {"x": 50 if value >= 0 else round(50 - width, 1), "width": width}

        return {"local": bar(self.value), "national": bar(self.national_value), "diverging": diverging}


class ContextPoint(models.Model):
    """A point the force asked readers to bear in mind."""

    force = models.ForeignKey(Force, on_delete=models.CASCADE, related_name="context_points")
    text = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["force", "position", "id"]
        verbose_name = "point of context provided by the force"
        verbose_name_plural = "points of context provided by the force"

    def __str__(self):
        return self.text[:60]


class PlanPriority(models.Model):
    """A priority from the police and crime plan for the force's area."""

    force = models.ForeignKey(Force, on_delete=models.CASCADE, related_name="plan_priorities")
    group = models.CharField(
        max_length=200, blank=True, help_text="A heading the priority sits under, as in “Guiding principles”."
    )
    text = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["force", "position", "id"]
        verbose_name = "police and crime plan priority"
        verbose_name_plural = "police and crime plan priorities"

    def __str__(self):
        return self.text[:60]
