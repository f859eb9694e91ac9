"""`accord load-boundaries FILE`: load the areas' boundaries (GeoJSON) for the dashboard map."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accord.web.boundaries import BoundaryError, validate, write_boundaries, write_demo_boundaries


class Command(BaseCommand):
    help = (
        "Load area boundaries from a GeoJSON FeatureCollection whose features carry the area "
        "code in a property (default 'code'). Features with unknown codes are skipped."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", nargs="?", help="GeoJSON file (omit with --demo)")
        parser.add_argument("--code-property", default="code")
        parser.add_argument(
            "--demo", action="store_true", help="generate the made-up demo boundaries instead"
        )

    def handle(self, *args, **opts) -> None:
        if opts["demo"]:
            path = write_demo_boundaries()
            self.stdout.write(f"wrote demo boundaries to {path}")
            return
        if not opts["file"]:
            raise CommandError("give a GeoJSON FILE, or --demo")
        try:
            raw = json.loads(Path(opts["file"]).read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"cannot read {opts['file']}: {exc}") from exc
        except ValueError as exc:
            raise CommandError(f"{opts['file']} is not valid JSON: {exc}") from exc
        try:
            collection, unknown = validate(raw, opts["code_property"])
        except BoundaryError as exc:
            raise CommandError(str(exc)) from exc
        path = write_boundaries(collection)
        self.stdout.write(f"loaded {len(collection['features'])} boundaries into {path}")
        if unknown:
            shown = ", ".join(unknown[:10]) + (" …" if len(unknown) > 10 else "")
            self.stdout.write(f"skipped {len(unknown)} features with unknown codes: {shown}")
