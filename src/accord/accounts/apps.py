from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accord.accounts"
    label = "accounts"

    def ready(self) -> None:
        from accord.accounts import twofactor
        from accord.accounts.permissions import is_case_staff, primary_role
        from accord.accounts.services import token_authenticate
        from accord.core.actors import ACTOR_ROLE, BEARER_USER, CASE_STAFF

        twofactor.connect_signals()
        # core imports no app: it asks accounts through these hooks (core/actors.py).
        ACTOR_ROLE.register(primary_role)
        BEARER_USER.register(token_authenticate)
        CASE_STAFF.register(is_case_staff)
