"""GraphQL types of attachments: the Attachment node (and its `node(id:)` loader), the upload
mutation's input and payload."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.file_uploads import Upload

from workorder.flows.tickets.downloads import downloadable
from workorder.models import Attachment
from workorder.schema.context import Context, Info
from workorder.schema.errors import UserError
from workorder.schema.node import Node, to_global_id
from workorder.schema.org.types import UserType


@strawberry.type(
    name="Attachment",
    description="An uploaded file. Its bytes are fetched from `downloadUrl` with the same "
    "bearer token as the API.",
)
class AttachmentType(Node):
    model: strawberry.Private[Attachment]
    filename: str = strawberry.field(description="The file's name as uploaded.")
    content_type: str = strawberry.field(
        description="Its media type as uploaded (e.g. image/png); the download sends it."
    )
    size: int = strawberry.field(description="In bytes.")
    sha256: str = strawberry.field(description="Hex SHA-256 of the content.")
    created_at: datetime = strawberry.field(description="When it was uploaded.")

    @classmethod
    def of(cls, attachment: Attachment) -> AttachmentType:
        return cls(
            model=attachment,
            id=to_global_id("Attachment", attachment.id),
            filename=attachment.filename,
            content_type=attachment.content_type,
            size=attachment.size,
            sha256=attachment.sha256,
            created_at=attachment.created_at,
        )

    @strawberry.field(description="Null when the uploader's account has been deleted.")
    async def uploaded_by(self, info: Info) -> UserType | None:
        if self.model.uploaded_by_id is None:
            return None
        user = await info.context.org.user.load(self.model.uploaded_by_id)
        return UserType.of(user) if user else None

    @strawberry.field(description="Path of GET /files/{id}, relative to the API's origin.")
    def download_url(self) -> str:
        return f"/files/{self.id}"


@strawberry.input(description="One file to upload.")
class UploadAttachmentInput:
    file: Upload = strawberry.field(
        description="The file part of a GraphQL multipart request "
        "(https://github.com/jaydenseric/graphql-multipart-request-spec)."
    )


@strawberry.type(description="The result of uploadAttachment.")
class UploadAttachmentPayload:
    attachment: AttachmentType | None = strawberry.field(
        default=None, description="The stored file, to refer to by its id; null when errors."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing changed; empty on success."
    )


async def attachment_node(context: Context, pk: int) -> Node | None:
    """For `node(id:)`: the attachment when the download rule lets the caller have it.

    It lives here, not in resolvers/, so that resolvers/node.py can use it without one
    resolver module importing another.
    """
    attachment = await downloadable(context.require_actor(), pk)
    return AttachmentType.of(attachment) if attachment else None
