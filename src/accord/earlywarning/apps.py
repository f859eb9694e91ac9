from django.apps import AppConfig


class EarlyWarningConfig(AppConfig):
    name = "accord.earlywarning"
    label = "earlywarning"
