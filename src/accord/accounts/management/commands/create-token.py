from django.core.management.base import BaseCommand, CommandError

from accord.accounts.models import User
from accord.accounts.services import token_create


class Command(BaseCommand):
    help = "Create an API token for a user and print it (only the new token is printed)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the token is for")

    def handle(self, *args, **opts) -> None:
        user = User.objects.filter(username=opts["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {opts['username']!r}")
        self.stdout.write(token_create(actor=None, user=user, name=opts["name"]))
