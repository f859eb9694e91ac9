import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accord.core.errors import DomainError
from accord.wellbeing.network import network_load


class Command(BaseCommand):
    help = (
        "Load the counselling network from a JSON file: units (with hours, languages, "
        "services, capacity, head and counsellors) and on-call rotas per area (docs/wellbeing.md)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, **opts) -> None:
        try:
            data = json.loads(opts["file"].read_text())
            summary = network_load(actor=None, data=data)
        except (OSError, ValueError, KeyError, TypeError, DomainError) as exc:
            raise CommandError(getattr(exc, "detail", str(exc))) from exc
        self.stdout.write(
            f"loaded {len(summary['units'])} unit(s); rotas of {summary['rota_areas']}"
        )
