"""Uploading an attachment: size limit, file-name and content-type cleaning, one row per upload.

The bytes go to the content-addressed store (identical bytes are stored once); every upload
gets its own Attachment row, because the name, type and uploader are the upload's own. Who may
download it is decided in `workorder.flows.tickets.downloads`, not here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import AsyncIterable, AsyncIterator
from typing import Final

from workorder.auth.actor import Actor
from workorder.auth.permissions import require_write
from workorder.errors import FlowError, invalid
from workorder.models import Attachment
from workorder.storage import Storage

MAX_FILENAME: Final = 255
DEFAULT_FILENAME: Final = "file"
DEFAULT_CONTENT_TYPE: Final = "application/octet-stream"
_KEEP_SUFFIX: Final = 16  # an extension up to this long survives shortening of a long name
# Control, format (e.g. the right-to-left override of "invoice\u202efdp.exe"), unpaired
# surrogate and line/paragraph separator characters: invisible or unstorable in a name.
_DROPPED_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
# A media type without parameters (RFC 6838 restricted names); anything else is not trusted
# enough to send back as a Content-Type header.
_MEDIA_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$")


def clean_filename(name: str | None) -> str:
    """A name fit to show and to offer as the download's name.

    Browsers send `C:\\Users\\ann\\x.pdf` or `../x.pdf` at times: only the last path part is
    kept. The name is never used as a path (files are stored by hash); it is cleaned so that
    it displays honestly and fits the column.
    """
    text = unicodedata.normalize("NFC", name or "")
    text = re.split(r"[/\\]", text)[-1]
    text = "".join(c for c in text if unicodedata.category(c) not in _DROPPED_CATEGORIES)
    text = text.strip()
    if text.strip(".") == "":
        return DEFAULT_FILENAME
    if len(text) > MAX_FILENAME:
        stem, dot, suffix = text.rpartition(".")
        if dot and stem and 0 < len(suffix) < _KEEP_SUFFIX:
            text = stem[: MAX_FILENAME - len(suffix) - 1].rstrip() + "." + suffix
        else:
            text = text[:MAX_FILENAME].rstrip()
    return text


def clean_content_type(content_type: str | None) -> str:
    """The declared media type without parameters, or application/octet-stream.

    It is only a label: downloads are served as attachments with nosniff, so a wrong label
    cannot make a browser run the file.
    """
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    return media_type if _MEDIA_TYPE.match(media_type) else DEFAULT_CONTENT_TYPE


def too_large(max_bytes: int) -> FlowError:
    return invalid(f"File is larger than {max_bytes / (1024 * 1024):g} MB", ["file"])


async def _limited(chunks: AsyncIterable[bytes], max_bytes: int) -> AsyncIterator[bytes]:
    """Passes chunks on while counting; the chunk that would cross the limit is never
    written, and the raise makes the store drop what it has so far."""
    total = 0
    async for chunk in chunks:
        total += len(chunk)
        if total > max_bytes:
            raise too_large(max_bytes)
        yield chunk


async def store_upload(
    actor: Actor,
    filename: str,
    content_type: str | None,
    chunks: AsyncIterator[bytes],
    storage: Storage,
    max_bytes: int,
) -> Attachment:
    """Store an uploaded file for the caller's tenant and return its new row.

    Over `max_bytes`: INVALID on ["file"], and neither a file nor a row is left. A blob that
    is stored but whose row then fails to be written stays on disk unreferenced: it cannot be
    removed here, as another row may share the same content.
    """
    require_write(actor)
    name = clean_filename(filename)
    media_type = clean_content_type(content_type)
    blob = await storage.save(_limited(chunks, max_bytes))
    return await Attachment.create(
        tenant_id=actor.tenant_id,
        sha256=blob.sha256,
        filename=name,
        content_type=media_type,
        size=blob.size,
        uploaded_by_id=actor.user_id,
    )
