"""The assembled schema: each domain contributes its own Query and Mutation fields."""

from __future__ import annotations

import strawberry

from workorder.schema.extensions import extensions
from workorder.schema.org import DepartmentType, GroupType, UserType
from workorder.schema.org_api import OrgMutation, OrgQuery
from workorder.schema.template_api import TemplateMutation, TemplateQuery
from workorder.schema.templates import (
    DictionaryItemType,
    DictionaryType,
    TemplateType,
    TemplateVersionType,
)
from workorder.settings import Settings


@strawberry.type
class Query(OrgQuery, TemplateQuery):
    pass


@strawberry.type
class Mutation(OrgMutation, TemplateMutation):
    pass


def build_schema(settings: Settings) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        types=[
            UserType,
            GroupType,
            DepartmentType,
            TemplateType,
            TemplateVersionType,
            DictionaryType,
            DictionaryItemType,
        ],
        extensions=extensions(settings),
    )
