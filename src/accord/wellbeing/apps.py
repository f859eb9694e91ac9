from django.apps import AppConfig


class WellbeingConfig(AppConfig):
    name = "accord.wellbeing"
    label = "wellbeing"
    verbose_name = "Wellbeing"
