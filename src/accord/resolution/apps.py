from django.apps import AppConfig


class ResolutionConfig(AppConfig):
    name = "accord.resolution"
    label = "resolution"

    def ready(self) -> None:
        from accord.cases.services import CASE_ANONYMISERS
        from accord.resolution.retention import anonymise_for_cases

        if anonymise_for_cases not in CASE_ANONYMISERS:
            CASE_ANONYMISERS.append(anonymise_for_cases)
