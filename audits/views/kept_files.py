"""The web side of kept uploads (audits.services.kept_uploads): read the token a refused
form carried back, keep the files of a form that is refused again, show them."""

from dataclasses import dataclass, field

from audits.services.kept_uploads import (
    TOKEN_FIELD,
    uploads_discard,
    uploads_keep,
    uploads_kept,
    uploads_kept_list,
)

REMOVE_FIELD = "kept_remove"
MOST_KEPT = 20  # a form without its own limit on how many files


@dataclass
class KeptFiles:
    token: str | None = None
    files: list = field(default_factory=list)
    session: object = None
    token_field: str = TOKEN_FIELD
    remove_field: str = REMOVE_FIELD

    opened: list = field(default_factory=list)

    def open(self) -> list:
        self.opened = uploads_kept(self.session, self.token) if self.token else []
        return self.opened

    def discard(self) -> None:
        for stream in self.opened:
            stream.close()
        if self.token:
            uploads_discard(self.session, self.token)
            self.token, self.files = None, []


def kept_files_for(request, field_name: str) -> KeptFiles:
    """The files kept for this session under the posted token. New files chosen, or
    'remove' ticked, drop them. A token of another session or past its hour finds none."""
    token = request.POST.get(TOKEN_FIELD) or None
    kept = KeptFiles(token=token, session=request.session)
    files = uploads_kept_list(request.session, token)
    if not files:
        return KeptFiles(session=request.session)
    kept.files = files
    if request.POST.get(REMOVE_FIELD) or request.FILES.getlist(field_name):
        kept.discard()
    return kept


def kept_files_keep(
    request, form, field_name: str, kept: KeptFiles, limit: int = MOST_KEPT
) -> KeptFiles:
    """The form was refused: keep its new files that pass the upload checks (at most
    `limit`); say next to the field why any other was not kept."""
    uploads = [upload for upload in request.FILES.getlist(field_name) if upload]
    if not uploads or len(uploads) > limit:
        return kept
    token, files, refusals = uploads_keep(request.session, uploads)
    said = " ".join(str(message) for messages in form.errors.values() for message in messages)
    for name, refusal in refusals:
        if not name or name not in said:  # else the service's refusal already names it
            form.add_error(field_name, refusal)
    if token is None:
        return KeptFiles(session=request.session)
    return KeptFiles(token=token, files=files, session=request.session)
