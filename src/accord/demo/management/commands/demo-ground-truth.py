"""`accord demo-ground-truth`: print the injected demo situations as JSON."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from accord.demo.generator import ground_truth


class Command(BaseCommand):
    help = "Print the situations seed-demo injected (ground truth for early warning) as JSON."

    def handle(self, *args, **opts) -> None:
        self.stdout.write(json.dumps(ground_truth(), ensure_ascii=False, indent=2))
