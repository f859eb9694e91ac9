from django.core.management.base import BaseCommand, CommandError

from accord.accounts.models import User
from accord.accounts.services import totp_reset


class Command(BaseCommand):
    help = "Remove a user's authenticator (lost phone); they set up a new one at next login."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, **opts) -> None:
        user = User.objects.filter(username=opts["username"]).first()
        if user is None:
            raise CommandError(f"no user {opts['username']!r}")
        totp_reset(actor=None, user=user)
        self.stdout.write(f"authenticator of {user.username} removed")
