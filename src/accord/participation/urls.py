"""Pages of the participation app (included from accord.config.urls)."""

from django.urls import path  # noqa: F401

app_name = "participation"
urlpatterns: list = []
