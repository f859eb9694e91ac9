"""Pages of the grid app (included from accord.config.urls)."""

from django.urls import path  # noqa: F401

app_name = "grid"
urlpatterns: list = []
