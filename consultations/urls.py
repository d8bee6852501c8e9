from django.urls import path

from . import views

app_name = "consultations"

urlpatterns = [
    path("", views.consultation_list, name="consultation-list"),
    path("<slug:slug>/", views.consultation_detail, name="consultation-detail"),
    path("<slug:slug>/respond/", views.respond, name="respond"),
    path("<slug:slug>/respond/send/", views.submit, name="submit"),
    path("<slug:slug>/respond/sent/", views.confirmation, name="confirmation"),
]
