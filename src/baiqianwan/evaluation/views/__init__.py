"""The evaluation app's pages: each views module keeps its own `urlpatterns`."""
