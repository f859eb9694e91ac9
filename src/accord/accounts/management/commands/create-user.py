from django.core.management.base import BaseCommand, CommandError

from accord.accounts.models import Role
from accord.accounts.services import user_create
from accord.core.errors import DomainError


class Command(BaseCommand):
    help = "Create a user with one role over one area (the role covers the area's subtree)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--area", required=True, help="area code, e.g. the township's code")
        parser.add_argument("--password", help="omit to create a user who cannot log in")
        parser.add_argument("--name", default="", help="display name")

    def handle(self, *args, **opts) -> None:
        try:
            user = user_create(
                actor=None,
                username=opts["username"],
                role=opts["role"],
                area_code=opts["area"],
                password=opts["password"],
                display_name=opts["name"],
            )
        except DomainError as exc:
            raise CommandError(exc.detail) from exc
        self.stdout.write(f"created {user.username} ({opts['role']} @ {opts['area']})")
