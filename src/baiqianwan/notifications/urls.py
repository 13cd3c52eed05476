from django.urls import path

from baiqianwan.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notifications, name="list"),
    path("bell/", views.bell, name="bell"),
    path("notifications.xlsx", views.export, name="export"),
    path("<int:pk>/open/", views.open_, name="open"),
    path("<int:pk>/read/", views.read, name="read"),
]
