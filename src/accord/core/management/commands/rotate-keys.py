from django.core.management.base import BaseCommand
from django.db import transaction

from accord.core import crypto
from accord.core.audit import audit_record


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field under the newest key (the first of "
        "ACCORD_FIELD_KEYS), with progress; --reindex also recomputes the blind indexes "
        "(after ACCORD_INDEX_KEY changed). Safe to interrupt and run again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch", type=int, default=500, help="rows per transaction")
        parser.add_argument(
            "--reindex", action="store_true", help="also recompute the blind indexes"
        )
        parser.add_argument(
            "--new-key", action="store_true", help="print a fresh random key and exit"
        )

    def handle(self, *args, **opts) -> None:
        if opts["new_key"]:
            self.stdout.write(crypto.new_key())
            return
        ring = crypto.keyring()
        self.stdout.write(
            f"re-encrypting under key {ring.current!r} ({len(ring.keys)} key(s) configured)"
        )
        summary: dict[str, int] = {}
        for model in crypto.models_with_encrypted_fields():
            summary[model._meta.label] = crypto.reencrypt_model(
                model, batch=opts["batch"], reindex=opts["reindex"], progress=self.stdout.write
            )
        if opts["reindex"]:
            for hook in crypto.REINDEX_HOOKS:
                summary[hook.__name__] = hook(progress=self.stdout.write)
        with transaction.atomic():
            audit_record(
                actor=None,
                action="crypto.rotate_keys",
                object_type="keyring",
                object_id=ring.current,
                data={"rewritten": summary, "reindex": opts["reindex"]},
            )
        total = sum(summary.values())
        self.stdout.write(f"done: {total:,} row(s) rewritten under key {ring.current!r}")
