from django.core.management.base import BaseCommand, CommandError

from accord.accounts.models import User
from accord.accounts.services import user_end_sessions


class Command(BaseCommand):
    help = "Sign a user out everywhere: all their sessions and API tokens end now."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, **opts) -> None:
        user = User.objects.filter(username=opts["username"]).first()
        if user is None:
            raise CommandError(f"no user {opts['username']!r}")
        user_end_sessions(actor=None, user=user)
        self.stdout.write(f"all sessions and tokens of {user.username} ended")
