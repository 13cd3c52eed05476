from django.urls import path

from baiqianwan.units import views

app_name = "units"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("search/", views.search, name="search"),
    path("search.xlsx", views.search_export, name="search_export"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/children.xlsx", views.children_export, name="children_export"),
]
