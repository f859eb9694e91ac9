"""Pages of the wellbeing app (included from accord.config.urls)."""

from django.urls import path  # noqa: F401

app_name = "wellbeing"
urlpatterns: list = []
