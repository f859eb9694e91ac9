from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "accord.participation"
    label = "participation"
    verbose_name = "Participation"
