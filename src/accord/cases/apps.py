from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "accord.cases"
    label = "cases"

    def ready(self) -> None:
        from accord.cases.identity import rebuild_description_index
        from accord.core import crypto

        if rebuild_description_index not in crypto.REINDEX_HOOKS:
            crypto.REINDEX_HOOKS.append(rebuild_description_index)

        from functools import partial

        from accord.cases.retention import RETENTION_STATUSES, case_anonymise_expired
        from accord.core import retention

        for record_type in RETENTION_STATUSES:
            retention.register(
                record_type, "anonymise", partial(case_anonymise_expired, record_type)
            )
