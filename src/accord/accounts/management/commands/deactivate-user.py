from django.core.management.base import BaseCommand, CommandError

from accord.accounts.models import User
from accord.accounts.services import user_deactivate


class Command(BaseCommand):
    help = "Deactivate a user: no more logins; all their sessions and API tokens end now."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, **opts) -> None:
        user = User.objects.filter(username=opts["username"]).first()
        if user is None:
            raise CommandError(f"no user {opts['username']!r}")
        user_deactivate(actor=None, user=user)
        self.stdout.write(f"{user.username} deactivated; sessions and tokens ended")
