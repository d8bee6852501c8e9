from django.urls import path

from . import compare, data, pages, views

app_name = "inspections"

urlpatterns = [
    path("peel/", views.year_list, name="year-list"),
    path("compare/", compare.compare, name="compare"),
    path("data/", data.data_page, name="data"),
    path("data/peel-grades.<str:fmt>", data.all_grades, name="all-grades"),
    path("peel/about-grades/", pages.about_grades, name="about-grades"),  # before <year>, which would take it
    path("peel/<slug:year>/", views.year_detail, name="year-detail"),
    path("forces/<slug:force>/<slug:year>/", views.assessment_detail, name="assessment-detail"),
    path("forces/<slug:force>/<slug:year>/<slug:pillar>/", views.pillar_detail, name="pillar-detail"),
]
