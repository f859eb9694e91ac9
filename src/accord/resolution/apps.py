from django.apps import AppConfig


class ResolutionConfig(AppConfig):
    name = "accord.resolution"
    label = "resolution"

    def ready(self) -> None:
        from accord.cases.hooks import CASE_RESOLVING, CASES_ANONYMISING
        from accord.resolution.case_resolving import on_case_resolving
        from accord.resolution.retention import anonymise_for_cases

        CASES_ANONYMISING.register(anonymise_for_cases)
        CASE_RESOLVING.register(on_case_resolving)
