from django.urls import path

from baiqianwan.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.events, name="events"),
    path("export.xlsx", views.events_export, name="export"),
    path("security/", views.security, name="security"),
    path("security/export.xlsx", views.security_export, name="security_export"),
]
