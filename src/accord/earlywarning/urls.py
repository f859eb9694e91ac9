"""Staff pages of the earlywarning app (included from accord.config.urls)."""

from django.urls import path  # noqa: F401

app_name = "earlywarning"
urlpatterns: list = []
