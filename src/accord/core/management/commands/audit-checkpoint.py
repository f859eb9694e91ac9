from django.core.management.base import BaseCommand

from accord.core.audit import checkpoint_now


class Command(BaseCommand):
    help = (
        "Write an HMAC checkpoint (ACCORD_AUDIT_KEY) of the head of each audit chain; run it "
        "regularly (e.g. hourly) and keep the printed lines somewhere else as well."
    )

    def handle(self, *args, **options) -> None:
        made = checkpoint_now()
        for cp in made:
            self.stdout.write(f"{cp.chain} seq {cp.seq} hash {cp.hash} mac {cp.mac}")
        if not made:
            self.stdout.write("nothing new to checkpoint")
