"""Files kept for a form the server refused, so the user need not choose them again.

A browser cannot re-fill a file input. When a form with files is refused, the files that
pass the upload checks (`store_upload`, the same ones as for evidence) are saved under
`kept/` in private storage, and their names go into the user's session under a random
token. The re-rendered form carries the token in a hidden field; a resubmission without
new files uses the kept ones. The session is the owner: a token from another session
finds nothing. Kept files expire after KEPT_FOR; the token is dropped on use."""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils import timezone

from audits.exceptions import DomainError
from audits.models.files import evidence_storage
from audits.services.files import discard_stored, store_upload

KEPT_FOLDER = "kept"
KEPT_FOR = datetime.timedelta(hours=1)
SESSION_KEY = "kept_uploads"
TOKEN_FIELD = "kept_token"


def _message(error) -> str:
    if isinstance(error, DomainError):
        return str(error.message)
    return " ".join(error.messages)


def uploads_keep(session, uploads) -> tuple[str | None, list[dict], list[tuple[str, str]]]:
    """Keep the uploads that pass the checks. Returns (token, kept, refusals): `kept` lists
    {"name", "size"} for the page; `refusals` holds (file name, why it was not kept)."""
    storage = evidence_storage()
    kept, refusals = [], []
    for upload in uploads:
        if not upload:
            continue
        try:
            upload.seek(0)
            info = store_upload(upload, storage=storage, folder=KEPT_FOLDER)
        except (DomainError, ValidationError) as error:
            name = getattr(upload, "name", "")
            refusals.append((name, f"{name}: {_message(error)}"))
            continue
        kept.append({"stored": info.name, "name": info.original_filename, "size": info.size})
    if not kept:
        return None, [], refusals
    token = secrets.token_urlsafe(24)
    for old in list(session.get(SESSION_KEY, {})):
        _entry(session, old)  # drops this session's entries past their hour
    entries = dict(session.get(SESSION_KEY, {}))
    entries[token] = {"created": timezone.now().timestamp(), "files": kept}
    session[SESSION_KEY] = entries
    return token, kept, refusals


def _entry(session, token):
    if not token or not isinstance(token, str):
        return None
    entry = session.get(SESSION_KEY, {}).get(token)
    if entry is None:
        return None
    created = datetime.datetime.fromtimestamp(entry["created"], tz=datetime.UTC)
    if timezone.now() - created > KEPT_FOR:
        uploads_discard(session, token)
        return None
    return entry


def uploads_kept_list(session, token) -> list[dict]:
    """The kept files' names and sizes for this session's token; empty if none or expired."""
    entry = _entry(session, token)
    return list(entry["files"]) if entry else []


def uploads_kept(session, token) -> list[File]:
    """The kept files, open, named as the user chose them; empty if none or expired."""
    entry = _entry(session, token)
    if entry is None:
        return []
    storage = evidence_storage()
    files = []
    for item in entry["files"]:
        try:
            stream = storage.open(item["stored"], "rb")
        except OSError:
            continue
        files.append(File(stream, name=item["name"]))
    return files


def uploads_discard(session, token) -> None:
    entries = dict(session.get(SESSION_KEY, {}))
    entry = entries.pop(token, None)
    if entry is None:
        return
    discard_stored(evidence_storage(), *(item["stored"] for item in entry["files"]))
    session[SESSION_KEY] = entries


def kept_uploads_expire(now=None) -> int:
    """Remove kept files older than KEPT_FOR (the daily run). Returns how many."""
    now = now or timezone.now()
    storage = evidence_storage()
    removed = 0
    pending = [KEPT_FOLDER]
    while pending:
        folder = pending.pop()
        try:
            folders, names = storage.listdir(folder)
        except (FileNotFoundError, NotImplementedError):
            continue
        pending.extend(f"{folder}/{name}" for name in folders)
        for name in names:
            path = f"{folder}/{name}"
            if now - storage.get_modified_time(path) > KEPT_FOR:
                storage.delete(path)
                removed += 1
    return removed
