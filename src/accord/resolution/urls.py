"""Staff pages of the resolution app (included from accord.config.urls)."""

from django.urls import path  # noqa: F401

app_name = "resolution"
urlpatterns: list = []
