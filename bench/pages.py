"""The public page types the benchmark measures, each with its address in the real data and in the ten-times
data set, and the throughput target it has (as a share of the stylesheet's requests per second).

At 10× an address names copy 5 of the same force and year (``kent-c5``, ``2016-c5``: see ``synthetic``), so
the page is the same kind of page over ten times the rows; pages that name neither are the same address.
"""

from dataclasses import dataclass

COPY = "-c5"
SIX_FORCES = ["kent", "essex", "surrey", "sussex", "merseyside", "cumbria"]
CONSULTATION = "how-should-this-site-show-peel-grades"  # the open demonstration (data/consultations/)

# Uncached requests per second, as a share of the stylesheet's: at least this much.
UNCACHED_TARGETS = {"assessment": 0.1, "year table": 0.08, "compare": 0.08}
CACHED_TARGET = 0.9
MAX_QUERIES = 10
# Median server time at 10× over 1×, uncached, for a page that shows as much at 10× as at 1×: at most this.
GROWTH_TARGET = 1.3


@dataclass(frozen=True)
class Page:
    name: str
    template: str  # {f} follows each force's slug and {y} each year's: empty at 1×, the copy's suffix at 10×
    kind: str = ""  # the page's throughput target, in UNCACHED_TARGETS
    # Whether the page shows as much at 10× as at 1× (one force, year or consultation, and no list of every
    # force): its time should not grow with the data, and GROWTH_TARGET applies. Lists of every force or year,
    # the downloads of every grade and the sitemap grow with the data by design; so do a year's table, which
    # names the forces it has no grade for (hundreds at 10×), and the comparison, whose form lists every force.
    same_size: bool = False

    def path(self, scale):
        suffix = "" if scale == "1x" else COPY
        return self.template.format(f=suffix, y=suffix)

    @property
    def uncached_target(self):
        return UNCACHED_TARGETS.get(self.kind)


COMPARE = "/compare/?" + "&".join(f"force={slug}{{f}}" for slug in SIX_FORCES)

PAGES = [
    Page("home", "/"),
    Page("force list", "/forces/"),
    Page("force (Kent)", "/forces/kent{f}/", same_size=True),
    Page("assessment (Kent 2016)", "/forces/kent{f}/2016{y}/", "assessment", same_size=True),
    Page("pillar (Kent 2015 efficiency)", "/forces/kent{f}/2015{y}/efficiency/", same_size=True),
    Page("year table, pillars (2017)", "/peel/2017{y}/", "year table"),
    Page("year table, questions (2017)", "/peel/2017{y}/?level=question&group=region&sort=efficiency-q1", "year table"),
    Page("year table, five-point (2023-25)", "/peel/2023-25{y}/", "year table"),
    Page("compare, six forces", COMPARE, "compare"),
    Page("PEEL years", "/peel/"),
    Page("consultation list", "/consultations/"),
    Page("consultation page", f"/consultations/{CONSULTATION}/", same_size=True),
    Page("year table CSV, questions", "/peel/2017{y}/?level=question&format=csv"),
    Page("year table JSON, pillars", "/peel/2017{y}/?format=json"),
    Page("force CSV (Kent)", "/forces/kent{f}/?format=csv", same_size=True),
    Page("compare CSV, six forces", COMPARE + "&format=csv"),
    Page("every grade CSV", "/data/peel-grades.csv"),
    Page("every grade JSON", "/data/peel-grades.json"),
    Page("API judgments list", "/api/v1/judgments/"),
    Page("assessments feed", "/feeds/assessments.atom"),
    Page("sitemap", "/sitemap.xml"),
]
