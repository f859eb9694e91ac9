from django.apps import AppConfig


class WellbeingConfig(AppConfig):
    name = "accord.wellbeing"
    label = "wellbeing"
    verbose_name = "Wellbeing"

    def ready(self) -> None:
        from accord.core import retention
        from accord.wellbeing.screening import purge_screenings

        retention.register("wellbeing_screening", "delete", purge_screenings)
