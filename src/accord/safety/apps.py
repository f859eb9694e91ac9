from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "accord.safety"
    label = "safety"
    verbose_name = "Safety"
