"""The staff site: Django's admin, with PEEL's sign-in form and, when required, two factors."""

from django.conf import settings
from django.contrib import admin

from .twofactor import StaffLoginForm


class PeelAdminSite(admin.AdminSite):
    site_header = "PEEL publishing"
    site_title = "PEEL staff site"
    index_title = "Dashboard"
    site_url = None
    login_form = StaffLoginForm

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        return not settings.PEEL_REQUIRE_2FA or request.user.is_verified()
