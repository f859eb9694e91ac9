from django.core.management.base import BaseCommand, CommandError

from accord.core.audit import verify_all


class Command(BaseCommand):
    help = (
        "Verify the audit and access chains and their HMAC checkpoints; exit non-zero "
        "naming the chain and the first broken event."
    )

    def handle(self, *args, **options) -> None:
        failed = []
        for report in verify_all():
            if report.ok:
                self.stdout.write(
                    f"{report.chain} chain ok: {report.checked} events verified, "
                    f"{report.checkpoints} checkpoint(s)"
                )
            else:
                failed.append(
                    f"{report.chain} chain broken at seq {report.first_broken_seq}: "
                    f"{report.reason} ({report.checked} events verified before it)"
                )
        if failed:
            raise CommandError("; ".join(failed))
