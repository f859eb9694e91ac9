from django.apps import AppConfig


class ResolutionConfig(AppConfig):
    name = "accord.resolution"
    label = "resolution"

    def ready(self) -> None:
        from accord.cases.hooks import CASES_ANONYMISING
        from accord.resolution.retention import anonymise_for_cases

        CASES_ANONYMISING.register(anonymise_for_cases)
