from django.contrib import admin
from django.urls import include, path

from inspections.views import home

urlpatterns = [
    path("", home, name="home"),
    path("admin/", admin.site.urls),
    path("", include("inspections.urls")),
    path("forces/", include("forces.urls")),
]
