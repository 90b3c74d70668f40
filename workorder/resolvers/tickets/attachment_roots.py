"""Root fields of attachments. Downloads are plain HTTP (GET /files/{id}), not GraphQL."""

from __future__ import annotations

import strawberry

from workorder.resolvers.tickets import attachments
from workorder.schema.permissions import authenticated
from workorder.schema.tickets.attachments import UploadAttachmentPayload


@strawberry.type
class AttachmentMutation:
    upload_attachment: UploadAttachmentPayload = strawberry.mutation(
        resolver=attachments.upload_attachment,
        extensions=authenticated(),
        description="Upload one file (GraphQL multipart request); refer to it by its id from "
        "a ticket's attachment fields or notes.",
    )
