from django.urls import path

from baiqianwan.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.events, name="events"),
    path("export.xlsx", views.events_export, name="export"),
]
