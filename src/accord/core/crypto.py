"""Field encryption for personal data, keyed blind indexes and the audit HMAC key.

Values are sealed with AES-256-GCM. Each stored value reads ``ac1:<key id>:<base64url(nonce +
ciphertext + tag)>`` and its additional authenticated data (AAD) is ``<table>|<field>|<row
key>``, where the row key is a random UUID that the model generates in Python before the row
is inserted (``row_key`` column). A value therefore only decrypts in the column and row it was
written for: copying a ciphertext into another row or another column fails authentication.

Keys (see docs/security-data.md):
- ``ACCORD_FIELD_KEYS``: ``id:base64key[,id:base64key...]``; the FIRST key encrypts new values,
  every listed key can decrypt (by its id). ``accord rotate-keys`` re-encrypts under the first.
- ``ACCORD_INDEX_KEY``: base64 key of the HMAC-SHA256 blind indexes (exact-match lookups).
- ``ACCORD_AUDIT_KEY``: base64 key of the audit chain's HMAC checkpoints.
Outside production each missing key has a development default derived from a fixed label;
in production a missing key is a configuration error (raised by settings at start-up).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import unicodedata
import uuid
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models
from django.db.models.query_utils import DeferredAttribute

PREFIX = "ac1"
_NONCE = 12
_KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")


class DecryptionError(Exception):
    """A sealed value does not open: wrong row, wrong column, unknown key or altered bytes."""


def _dev_key(label: str) -> bytes:
    return hashlib.sha256(f"accord-development-only:{label}".encode()).digest()


def _b64key(text: str, what: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except ValueError as exc:
        raise ImproperlyConfigured(f"{what}: not valid base64") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured(f"{what}: a key must be 32 bytes (got {len(raw)})")
    return raw


def new_key() -> str:
    """A fresh random 256-bit key, base64url-encoded (for ACCORD_FIELD_KEYS and friends)."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")


@dataclass(frozen=True)
class Keyring:
    keys: dict[str, bytes]  # id -> key; insertion order = configuration order
    current: str
    index_key: bytes
    audit_key: bytes

    @classmethod
    def from_settings(cls) -> Keyring:
        production = getattr(settings, "PRODUCTION", False)
        spec = getattr(settings, "ACCORD_FIELD_KEYS", "") or ""
        keys: dict[str, bytes] = {}
        for item in (s.strip() for s in spec.split(",")):
            if not item:
                continue
            kid, sep, material = item.partition(":")
            if not sep or not _KEY_ID.match(kid):
                raise ImproperlyConfigured(
                    "ACCORD_FIELD_KEYS must be 'id:base64key[,id:base64key...]' "
                    "(ids: letters, digits, _ . -)"
                )
            if kid in keys:
                raise ImproperlyConfigured(f"ACCORD_FIELD_KEYS lists key id {kid!r} twice")
            keys[kid] = _b64key(material, f"ACCORD_FIELD_KEYS[{kid}]")
        if not keys:
            if production:
                raise ImproperlyConfigured(
                    "ACCORD_FIELD_KEYS must be set when ACCORD_ENV=production"
                )
            keys = {"dev": _dev_key("field")}

        def single(name: str, label: str) -> bytes:
            value = getattr(settings, name, "") or ""
            if value:
                return _b64key(value, name)
            if production:
                raise ImproperlyConfigured(f"{name} must be set when ACCORD_ENV=production")
            return _dev_key(label)

        return cls(
            keys=keys,
            current=next(iter(keys)),
            index_key=single("ACCORD_INDEX_KEY", "index"),
            audit_key=single("ACCORD_AUDIT_KEY", "audit"),
        )


@lru_cache(maxsize=1)
def keyring() -> Keyring:
    return Keyring.from_settings()


def _reset_keyring(*, setting: str, **_kw) -> None:
    if setting in ("ACCORD_FIELD_KEYS", "ACCORD_INDEX_KEY", "ACCORD_AUDIT_KEY", "PRODUCTION"):
        keyring.cache_clear()


setting_changed.connect(_reset_keyring)


def aad(table: str, field: str, row_key: uuid.UUID | str) -> bytes:
    return f"{table}|{field}|{row_key}".encode()


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX + ":")


def key_id_of(value: str) -> str:
    return value.split(":", 2)[1]


def seal(plaintext: str, associated: bytes, *, kid: str | None = None) -> str:
    ring = keyring()
    kid = kid or ring.current
    nonce = os.urandom(_NONCE)
    ct = AESGCM(ring.keys[kid]).encrypt(nonce, plaintext.encode(), associated)
    return f"{PREFIX}:{kid}:{base64.urlsafe_b64encode(nonce + ct).decode().rstrip('=')}"


def unseal(token: str, associated: bytes) -> str:
    try:
        _prefix, kid, body = token.split(":", 2)
        key = keyring().keys[kid]
    except (ValueError, KeyError) as exc:
        raise DecryptionError("unknown key id or malformed value") from exc
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    try:
        return AESGCM(key).decrypt(raw[:_NONCE], raw[_NONCE:], associated).decode()
    except InvalidTag as exc:
        raise DecryptionError("value does not authenticate for this row and field") from exc


# --- blind indexes ---------------------------------------------------------------------------


def normalise_term(text: str) -> str:
    """What an exact match ignores: Unicode width/compatibility forms, case, surrounding and
    repeated white space."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def blind_index(purpose: str, text: str) -> str:
    """Keyed HMAC-SHA256 of the normalised text, separated per purpose (e.g. "party.name").
    Equal inputs give equal indexes; without ACCORD_INDEX_KEY nothing can be inferred."""
    msg = f"{purpose}\x00{normalise_term(text)}".encode()
    return hmac.new(keyring().index_key, msg, hashlib.sha256).hexdigest()


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[^\W_]{2,}")


def search_terms(text: str) -> set[str]:
    """Words of a text for the keyword blind index: Latin-script words of 2+ characters,
    and for Chinese (no spaces) every pair of adjacent characters (bigrams), plus the
    character itself for a single-character run."""
    norm = normalise_term(text)
    terms: set[str] = set()
    for run in _CJK.findall(norm):
        terms.update(run[i : i + 2] for i in range(max(len(run) - 1, 1)))
    terms.update(_WORD.findall(_CJK.sub(" ", norm)))
    return terms


def search_tokens(purpose: str, text: str) -> set[str]:
    # 128 bits of the HMAC are plenty to tell words apart and keep the index small.
    return {blind_index(purpose, t)[:32] for t in search_terms(text)}


# --- model fields ----------------------------------------------------------------------------


class Sealed(str):
    """A value as stored (ciphertext). Only the field descriptor turns it into plaintext."""


class _EncryptedAttribute(DeferredAttribute):
    """A data descriptor (it has __set__), so that every read passes through __get__."""

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value

    def __get__(self, instance, cls=None):
        value = super().__get__(instance, cls)
        if instance is None or not isinstance(value, Sealed):
            return value
        plain = self.field.from_plaintext(unseal(value, self.field.aad_for(instance)))
        instance.__dict__[self.field.attname] = plain
        return plain


class EncryptedTextField(models.TextField):
    """Text stored encrypted (AES-256-GCM), bound to table, column and the row's `row_key`.

    Reading the attribute decrypts; saving encrypts (each save with a fresh nonce). The empty
    string is stored as is (it shows only that the value is absent). SQL can only test for
    emptiness: substring or equality lookups on ciphertext are refused with FieldError; use a
    blind index (`BlindIndexField`, `search_tokens`) for exact-match search.
    """

    descriptor_class = _EncryptedAttribute
    _allowed_lookups = frozenset({"isnull"})

    def __init__(self, *args, row_key_field: str = "row_key", **kwargs) -> None:
        self.row_key_field = row_key_field
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.row_key_field != "row_key":
            kwargs["row_key_field"] = self.row_key_field
        return name, path, args, kwargs

    def aad_for(self, instance) -> bytes:
        return aad(self.model._meta.db_table, self.column, getattr(instance, self.row_key_field))

    def to_plaintext(self, value) -> str:
        """The text sealed for a Python value (the inverse of `from_plaintext`)."""
        return str(value)

    def from_plaintext(self, text: str):
        return text

    def seal_value(self, instance, value) -> Sealed:
        return Sealed(seal(self.to_plaintext(value), self.aad_for(instance)))

    def from_db_value(self, value, expression, connection):
        return Sealed(value) if is_sealed(value) else value

    def pre_save(self, model_instance, add):
        stored = model_instance.__dict__.get(self.attname)
        if isinstance(stored, Sealed):
            return stored  # loaded and never read: still the ciphertext of this row
        value = getattr(model_instance, self.attname)
        if value is None or (isinstance(value, str) and value == "") or isinstance(value, Sealed):
            return value
        return self.seal_value(model_instance, value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "" or is_sealed(value):
            return value
        raise FieldError(
            f"{self.model.__name__}.{self.name} is encrypted: write it through a model "
            "instance's save() and search it through its blind index"
        )

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return super().get_lookup(lookup_name)  # only usable with "" (see get_prep_value)
        if lookup_name not in self._allowed_lookups:
            raise FieldError(
                f"'{lookup_name}' is not possible on an encrypted field; use its blind index"
            )
        return super().get_lookup(lookup_name)


class EncryptedJSONField(EncryptedTextField):
    """A JSON value (list, dict, ...) stored like `EncryptedTextField`: serialised with
    `json.dumps(ensure_ascii=False)` before sealing, parsed after opening. Every value is
    sealed, the empty list too; only a column emptied with `update(field="")` holds "".
    SQL sees text, so JSON lookups (`attendees__contains`, key transforms) are refused."""

    def to_plaintext(self, value) -> str:
        return json.dumps(value, ensure_ascii=False)

    def from_plaintext(self, text: str):
        return json.loads(text)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "" or is_sealed(value):
            return super().from_db_value(value, expression, connection)
        return json.loads(value)  # a plain JSON column not yet encrypted (the migration)


class BlindIndexField(models.CharField):
    """HMAC-SHA256 (ACCORD_INDEX_KEY) of another field's normalised plaintext, computed on
    every save: `filter(name_index=blind_index("party.name", term))` finds exact matches."""

    def __init__(self, *args, source: str = "", purpose: str = "", **kwargs) -> None:
        self.source, self.purpose = source, purpose
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"], kwargs["purpose"] = self.source, self.purpose
        # db_index defaults to True here (False in Field): record it exactly as it is.
        kwargs.pop("db_index", None)
        if not self.db_index:
            kwargs["db_index"] = False
        return name, path, args, kwargs

    def compute(self, instance) -> str:
        text = getattr(instance, self.source) or ""
        return blind_index(self.purpose, text) if text.strip() else ""

    def pre_save(self, model_instance, add):
        value = self.compute(model_instance)
        setattr(model_instance, self.attname, value)
        return value


def encrypted_fields(model) -> list[EncryptedTextField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


# --- key rotation ----------------------------------------------------------------------------

# Callables that rebuild derived indexes kept outside the model rows (e.g. the cases'
# keyword index); each takes `progress` and returns how many rows it wrote.
REINDEX_HOOKS: list = []


def models_with_encrypted_fields() -> list:
    from django.apps import apps

    return [m for m in apps.get_models() if encrypted_fields(m)]


def reencrypt_model(model, *, batch: int = 500, reindex: bool = False, progress=None) -> int:
    """Re-encrypt every value of `model` not sealed under the current key (and, with
    `reindex`, recompute its blind indexes). One transaction per batch, rows in pk order, so
    the command can be interrupted and run again. Returns how many rows were rewritten."""
    from django.db import transaction

    ring = keyring()
    enc = encrypted_fields(model)
    idx = [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]
    total = model._default_manager.count()
    done = changed = 0
    last = None
    while True:
        with transaction.atomic():
            qs = model._default_manager.select_for_update().order_by("pk")
            if last is not None:
                qs = qs.filter(pk__gt=last)
            rows = list(qs[:batch])
            if not rows:
                break
            dirty = 0
            for row in rows:
                updates: dict[str, str] = {}
                for f in enc:
                    raw = row.__dict__.get(f.attname)
                    if raw is None or (isinstance(raw, str) and raw == ""):
                        continue
                    if not is_sealed(raw) or key_id_of(raw) != ring.current:
                        updates[f.attname] = f.seal_value(row, getattr(row, f.attname))
                if reindex:
                    for f in idx:
                        value = f.compute(row)
                        if value != row.__dict__.get(f.attname):
                            updates[f.attname] = value
                if updates:
                    # Sealed strings pass get_prep_value; bulk_update would read the
                    # attributes through the decrypting descriptor.
                    model._default_manager.filter(pk=row.pk).update(**updates)
                    dirty += 1
            changed += dirty
            done += len(rows)
            last = rows[-1].pk
        if progress:
            progress(
                f"  {model._meta.label}: {done:,}/{total:,} rows checked, {changed:,} rewritten"
            )
    return changed
