from django.apps import AppConfig


class ResolutionConfig(AppConfig):
    name = "accord.resolution"
    label = "resolution"
