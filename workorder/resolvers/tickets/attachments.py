"""The multipart upload mutation. Thin: the size limit and the name cleaning live in
flows/tickets/attachments."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Final, cast

import strawberry
from starlette.datastructures import UploadFile

from workorder.errors import invalid
from workorder.flows.tickets.attachments import store_upload
from workorder.models import Attachment
from workorder.resolvers.payloads import mutate
from workorder.schema.context import Context, Info
from workorder.schema.tickets.attachments import (
    AttachmentType,
    UploadAttachmentInput,
    UploadAttachmentPayload,
)
from workorder.storage import Storage

CHUNK_SIZE: Final = 64 * 1024


async def _chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(CHUNK_SIZE):
        yield chunk


def storage_of(context: Context) -> Storage:
    """The store the app was started with (set on app.state by create_app)."""
    return cast(Storage, context.request.app.state.storage)


async def upload_attachment(
    info: Info,
    input: Annotated[
        UploadAttachmentInput,
        strawberry.argument(description="The file, as a part of a GraphQL multipart request."),
    ],
) -> UploadAttachmentPayload:
    actor = info.context.require_actor()
    upload: object = input.file

    async def action() -> Attachment:
        if not isinstance(upload, UploadFile):
            # A JSON request cannot carry a file: the variable must be mapped to a file part.
            raise invalid("Send the file as a multipart request part", ["file"])
        try:
            return await store_upload(
                actor,
                upload.filename or "",
                upload.content_type,
                _chunks(upload),
                storage_of(info.context),
                info.context.settings.max_upload_bytes,
            )
        finally:
            # Starlette spooled the part to a temporary file; free it now, not at GC.
            await upload.close()

    return await mutate(
        UploadAttachmentPayload,
        action,
        lambda a: UploadAttachmentPayload(attachment=AttachmentType.of(a)),
    )
