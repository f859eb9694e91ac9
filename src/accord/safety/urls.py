"""Pages of the safety app (included from accord.config.urls)."""

from django.urls import path  # noqa: F401

app_name = "safety"
urlpatterns: list = []
