from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from inspections.feeds import AssessmentFeed
from inspections.views import home

from . import pages
from .publishing.markdown_preview import markdown_preview
from .security import twofactor
from .security.views import security_txt
from .sitemaps import SITEMAPS


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico on pages that name no icon, such as the admin's."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("images/favicon.svg")  # looked up per request: the manifest exists only after collectstatic


urlpatterns = [
    path("", home, name="home"),
    path("admin/markdown-preview/", markdown_preview, name="admin-markdown-preview"),
    path("admin/two-factor/", twofactor.set_up, name="admin-two-factor"),
    path("admin/", admin.site.urls),
    path(".well-known/security.txt", security_txt, name="security-txt"),
    path("favicon.ico", FaviconView.as_view()),
    path("robots.txt", pages.robots_txt, name="robots-txt"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("feeds/assessments.atom", AssessmentFeed(), name="assessments-feed"),
    path("accessibility/", pages.accessibility, name="accessibility"),
    path("privacy/", pages.privacy, name="privacy"),
    path("cookies/", pages.cookies, name="cookies"),
    path("contact/", pages.contact, name="contact"),
    path("", include("inspections.urls")),
    path("forces/", include("forces.urls")),
    path("api/", include("peel.api")),
    path("consultations/", include("consultations.urls")),
]
