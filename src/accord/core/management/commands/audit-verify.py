from django.core.management.base import BaseCommand, CommandError

from accord.core.audit import verify_chain


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; exit non-zero naming the first broken event."

    def handle(self, *args, **options) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"audit chain broken at seq {report.first_broken_seq}: {report.reason} "
                f"({report.checked} events verified before it)"
            )
        self.stdout.write(f"audit chain ok: {report.checked} events verified")
