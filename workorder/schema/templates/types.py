"""GraphQL types of templates, their versions, fields, workflow steps and dictionaries."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, cast

import strawberry
from strawberry.scalars import JSON

from workorder.flows.templates.config import Condition, FieldDefinition, Step, TemplateConfig
from workorder.models import Dictionary, DictionaryItem, Template, TemplateVersion
from workorder.schema.context import Info
from workorder.schema.node import Node, to_global_id
from workorder.schema.org.types import GroupType, UserType
from workorder.schema.pagination import Connection
from workorder.schema.templates.enums import (
    AssignmentRuleEnum,
    ConditionOperatorEnum,
    EditLimitEnum,
    EndActionEnum,
    InitialAssignmentEnum,
)
from workorder.schema.templates.enums import (
    FieldTypeEnum as FieldTypeEnum,  # imported from here by the ticket schema
)

IncludeInactive = Annotated[
    bool,
    strawberry.argument(description="Also the deactivated items (false by default)."),
]


@strawberry.type(description="A text in one language.")
class Translation:
    locale: str = strawberry.field(description="Language tag, e.g. en, zh-CN.")
    text: str = strawberry.field(description="The text in that language.")


@strawberry.type(description="One choice of a choice field.")
class FieldOption:
    value: str = strawberry.field(
        description="What a ticket stores, and what filters and imports use."
    )
    label: str = strawberry.field(description="What people see; the value when none was given.")


@strawberry.type(name="FieldDefinition", description="A custom field of a template.")
class FieldDefinitionType:
    definition: strawberry.Private[FieldDefinition]
    key: str = strawberry.field(
        description="The field's key in Ticket.fieldValues, filters and exports; fixed once "
        "tickets use it."
    )
    type: FieldTypeEnum = strawberry.field(  # type: ignore[valid-type]
        description="What values it takes."
    )
    allow_custom_value: bool = strawberry.field(
        description="A choice field also takes a typed value that is not among its choices."
    )
    required: bool = strawberry.field(description="A ticket cannot be submitted without a value.")
    help: str = strawberry.field(description="Help text shown under the field; may be empty.")
    position: int = strawberry.field(description="Place in the form, lower first.")
    removed: bool = strawberry.field(
        description="Removed from the template; kept so old tickets can still show the value."
    )

    @classmethod
    def of(cls, definition: FieldDefinition) -> FieldDefinitionType:
        return cls(
            definition=definition,
            key=definition.key,
            type=definition.type,
            allow_custom_value=definition.allow_custom_value,
            required=definition.required,
            help=definition.help,
            position=definition.position,
            removed=definition.removed,
        )

    @strawberry.field(description="In the caller's language when translated.")
    def label(self, info: Info) -> str:
        actor = info.context.actor
        return self.definition.label_for(actor.locale if actor else None)

    @strawberry.field(description="The label in other languages, by locale.")
    def labels(self) -> list[Translation]:
        return [Translation(locale=k, text=v) for k, v in sorted(self.definition.labels.items())]

    @strawberry.field(
        description="The field's own choices; empty for a choice field that draws them "
        "from its dictionary, and for other types."
    )
    def options(self) -> list[FieldOption]:
        return [FieldOption(value=o.value, label=o.label) for o in self.definition.options]

    @strawberry.field(
        name="default",
        description="Value a new ticket starts with, in the type's JSON shape; null: none.",
    )
    def default_value(self) -> JSON | None:
        return cast(JSON | None, self.definition.default)

    @strawberry.field(description="The dictionary a cascade or select draws its options from.")
    async def dictionary(self, info: Info) -> DictionaryType | None:
        if self.definition.dictionary_id is None:
            return None
        found = await info.context.templates.dictionary.load(self.definition.dictionary_id)
        return DictionaryType.of(found) if found else None


@strawberry.type(name="Condition", description="A test on one field's value at a step.")
class ConditionType:
    field: str = strawberry.field(description="The key of the field tested.")
    operator: ConditionOperatorEnum = strawberry.field(description="How it is tested.")
    value: JSON | None = strawberry.field(description="What it is compared with, if anything.")

    @classmethod
    def of(cls, condition: Condition) -> ConditionType:
        return cls(field=condition.field, operator=condition.operator, value=condition.value)


@strawberry.type(description="A field state at a step that depends on another field's value.")
class FieldRule:
    field: str = strawberry.field(description="The key of the field whose state changes.")
    when: ConditionType = strawberry.field(description="The rule applies while this holds.")
    visible: bool | None = strawberry.field(description="Shown or hidden then; null: unchanged.")
    editable: bool | None = strawberry.field(description="Editable then or not; null: unchanged.")
    required: bool | None = strawberry.field(
        description="Required before leaving the step then or not; null: unchanged."
    )


@strawberry.type(description="A way out of a step that the ticket's values choose.")
class Branch:
    to: str | None = strawberry.field(description="The next step's key; null: it finishes.")
    when: ConditionType | None = strawberry.field(
        description="Taken when this holds; null: the default way."
    )
    priority: int | None = strawberry.field(description="Wins over lower ones that match too.")
    to_creator: bool = strawberry.field(description="The creator takes it at that step.")


@strawberry.type(name="Step", description="A workflow step: which group handles the ticket.")
class StepType:
    step: strawberry.Private[Step]
    config: strawberry.Private[TemplateConfig]
    key: str = strawberry.field(
        description="The step's key, unique in the workflow (Ticket.currentStep, nextSteps)."
    )
    name: str = strawberry.field(description="The step's name as shown to people.")
    position: int = strawberry.field(description="Place in the workflow, first step lowest.")
    assignment: AssignmentRuleEnum = strawberry.field(  # type: ignore[valid-type]
        description="How the ticket finds its handler on entering the step."
    )

    @classmethod
    def of(cls, step: Step, config: TemplateConfig) -> StepType:
        return cls(
            step=step,
            config=config,
            key=step.key,
            name=step.name,
            position=step.position,
            assignment=step.assignment,
        )

    @strawberry.field(
        description="The group that handles the ticket in this step; null if it is gone."
    )
    async def group(self, info: Info) -> GroupType | None:
        group = await info.context.org.group.load(self.step.group_id)
        return GroupType.of(group) if group else None

    @strawberry.field(description="Keys of the steps a forward may go to (defaults applied).")
    def next_steps(self) -> list[str]:
        return [s.key for s in self.config.next_steps(self.step)]

    @strawberry.field(
        description="A forward from this step finishes the ticket (with branches: for some values)."
    )
    def finishes(self) -> bool:
        return self.config.finishes(self.step)

    @strawberry.field(description="Keys of the fields the step's handler sees, in form order.")
    def visible_fields(self) -> list[str]:
        return self.config.visible_fields(self.step)

    @strawberry.field(
        description="Keys of the fields the step's handler may change (among the visible)."
    )
    def editable_fields(self) -> list[str]:
        return self.config.editable_fields(self.step)

    @strawberry.field(description="Field states that depend on values, applied in order.")
    def field_rules(self) -> list[FieldRule]:
        return [
            FieldRule(
                field=r.field,
                when=ConditionType.of(r.when),
                visible=r.visible,
                editable=r.editable,
                required=r.required,
            )
            for r in self.step.field_rules
        ]

    @strawberry.field(
        description="The branches the values choose from (empty: nextSteps, chosen by hand)."
    )
    def branches(self) -> list[Branch]:
        return [
            Branch(
                to=b.to,
                when=None if b.when is None else ConditionType.of(b.when),
                priority=b.priority,
                to_creator=b.to_creator,
            )
            for b in self.step.branches
        ]

    @strawberry.field(description="Must be filled before the ticket leaves this step.")
    def required_fields(self) -> list[str]:
        return list(self.step.required_fields)


@strawberry.interface(
    name="TemplateSettings", description="Everything a template version configures."
)
class TemplateSettings:
    config: strawberry.Private[TemplateConfig]
    # Copied from the config when built: a list page shows it on every row, and a plain
    # attribute is served without calling a resolver per row.
    name: str = strawberry.field(description="The template's name, unique in the tenant.")

    @strawberry.field(description="What the template is for; may be empty.")
    def description(self) -> str:
        return self.config.description

    @strawberry.field(description="Shown to agents when they fill the form.")
    def hint(self) -> str:
        return self.config.hint

    @strawberry.field(description="Groups that may process it (only without a workflow).")
    async def range_groups(self, info: Info) -> list[GroupType]:
        groups = await info.context.org.group.load_many(list(self.config.range_group_ids))
        return [GroupType.of(g) for g in groups if g]

    @strawberry.field(description="Who handles a new ticket first.")
    def initial_assignment(self) -> InitialAssignmentEnum:  # type: ignore[valid-type]
        return self.config.initial_assignment

    @strawberry.field(description="Who else may change a ticket's content.")
    def edit_limit(self) -> EditLimitEnum:  # type: ignore[valid-type]
        return self.config.edit_limit

    @strawberry.field(
        description="On entering a group, the ticket goes back to its creator or last "
        "handler when they are an active member of it (instead of the step's rule)."
    )
    def retain_agent_on_transfer(self) -> bool:
        return self.config.retain_agent_on_transfer

    @strawberry.field(description="What closing a ticket starts.")
    def end_action(self) -> EndActionEnum:  # type: ignore[valid-type]
        return self.config.end_action

    @strawberry.field(
        description="Template of the follow-up ticket a close creates; null: the same one."
    )
    async def follow_up_template(self, info: Info) -> TemplateType | None:
        if self.config.follow_up_template_id is None:
            return None
        return await TemplateType.load(info, self.config.follow_up_template_id)

    @strawberry.field(description="Told by e-mail of every status change.")
    def default_cc(self) -> list[str]:
        return list(self.config.default_cc)

    @strawberry.field(description="Closing a ticket sends the customer a satisfaction survey.")
    def survey_on_close(self) -> bool:
        return self.config.survey_on_close

    @strawberry.field(description="Tickets carry a priority; false: every ticket is NORMAL.")
    def priority_enabled(self) -> bool:
        return self.config.priority_enabled

    @strawberry.field(description="In form order; removed fields only when asked for.")
    def fields(
        self,
        include_removed: Annotated[
            bool,
            strawberry.argument(
                description="Also the removed fields old tickets still hold values of."
            ),
        ] = False,
    ) -> list[FieldDefinitionType]:
        chosen = (
            sorted(self.config.fields, key=lambda f: f.position)
            if include_removed
            else self.config.live_fields()
        )
        return [FieldDefinitionType.of(f) for f in chosen]

    @strawberry.field(description="The workflow in order; empty when the template has none.")
    def steps(self) -> list[StepType]:
        return [StepType.of(s, self.config) for s in self.config.ordered_steps()]


@strawberry.type(name="TemplateVersion", description="An immutable snapshot of a template.")
class TemplateVersionType(Node, TemplateSettings):
    model: strawberry.Private[TemplateVersion]
    number: int = strawberry.field(description="1 for the first version, then one up per change.")
    created_at: datetime = strawberry.field(description="When this version was published.")
    in_use: bool = strawberry.field(description="Tickets pin it: its field keys are permanent.")

    @classmethod
    def of(cls, version: TemplateVersion) -> TemplateVersionType:
        config = TemplateConfig.from_json(version.config)
        return cls(
            id=to_global_id("TemplateVersion", version.id),
            model=version,
            config=config,
            name=config.name,
            number=version.number,
            created_at=version.created_at,
            in_use=version.in_use,
        )

    @strawberry.field(description="The template this is a version of.")
    async def template(self, info: Info) -> TemplateType:
        found = await TemplateType.load(info, self.model.template_id)
        assert found is not None
        return found

    @strawberry.field(description="Who published it; null if that user is gone.")
    async def created_by(self, info: Info) -> UserType | None:
        if self.model.created_by_id is None:
            return None
        user = await info.context.org.user.load(self.model.created_by_id)
        return UserType.of(user) if user else None


@strawberry.type(name="Template", description="A work-order type, at its current version.")
class TemplateType(Node, TemplateSettings):
    model: strawberry.Private[Template]
    active: bool = strawberry.field(
        description="False once archived: it takes no new tickets; its tickets carry on."
    )
    version: int = strawberry.field(description="Number of the current version.")
    created_at: datetime = strawberry.field(description="When the template was created.")
    updated_at: datetime = strawberry.field(description="When it last changed.")

    @classmethod
    def of(cls, template: Template, config: TemplateConfig) -> TemplateType:
        return cls(
            id=to_global_id("Template", template.id),
            model=template,
            config=config,
            name=config.name,
            active=template.active,
            version=template.version_number,
            created_at=template.created_at,
            updated_at=template.updated_at,
        )

    @classmethod
    async def load(cls, info: Info, template_id: int) -> TemplateType | None:
        template = await info.context.templates.template.load(template_id)
        if template is None:
            return None
        return await cls.of_model(info, template)

    @classmethod
    async def of_model(cls, info: Info, template: Template) -> TemplateType:
        assert template.current_version_id is not None
        config = await info.context.templates.config.load(template.current_version_id)
        assert config is not None
        return cls.of(template, config)

    @strawberry.field(
        description="The group (team) that owns the template (seed 000 Team Name); ticket "
        "lists filter on it with `templateTeamId`. Null: none named."
    )
    async def team(self, info: Info) -> GroupType | None:
        if self.model.team_id is None:
            return None
        group = await info.context.org.group.load(self.model.team_id)
        return GroupType.of(group) if group else None

    @strawberry.field(description="The version new tickets are made with.")
    async def current_version(self, info: Info) -> TemplateVersionType:
        assert self.model.current_version_id is not None
        version = await info.context.templates.version.load(self.model.current_version_id)
        assert version is not None
        return TemplateVersionType.of(version)

    @strawberry.field(description="Every version, newest first.")
    async def versions(self, info: Info) -> list[TemplateVersionType]:
        rows = await info.context.templates.versions_of.load(self.model.id)
        return [TemplateVersionType.of(v) for v in rows]


@strawberry.type(name="Dictionary", description="A named tree of options.")
class DictionaryType(Node):
    model: strawberry.Private[Dictionary]
    name: str = strawberry.field(description="The dictionary's name, unique in the tenant.")
    description: str = strawberry.field(description="What it lists; may be empty.")

    @classmethod
    def of(cls, dictionary: Dictionary) -> DictionaryType:
        return cls(
            id=to_global_id("Dictionary", dictionary.id),
            model=dictionary,
            name=dictionary.name,
            description=dictionary.description,
        )

    @strawberry.field(description="One level of the tree: the roots, or the children of parentId.")
    async def items(
        self,
        info: Info,
        parent_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="The item whose children to list; null: the roots."),
        ] = None,
        include_inactive: IncludeInactive = False,
    ) -> list[DictionaryItemType]:
        from workorder.ids import pk_of

        parent = None if parent_id is None else pk_of(parent_id, "DictionaryItem")
        if parent_id is not None and parent is None:
            return []
        rows = await info.context.templates.children.load((self.model.id, parent))
        return [DictionaryItemType.of(i) for i in rows if include_inactive or i.active]


@strawberry.type(name="DictionaryItem", description="One option of a dictionary.")
class DictionaryItemType(Node):
    model: strawberry.Private[DictionaryItem]
    value: str = strawberry.field(
        description="What tickets store, distinct among its siblings; never changes."
    )
    label: str = strawberry.field(description="Text shown for it; may be empty.")
    position: int = strawberry.field(description="Place among its siblings, lower first.")
    active: bool = strawberry.field(
        description="False: no longer offered for new values; values stored stay."
    )

    @classmethod
    def of(cls, item: DictionaryItem) -> DictionaryItemType:
        return cls(
            id=to_global_id("DictionaryItem", item.id),
            model=item,
            value=item.value,
            label=item.label,
            position=item.position,
            active=item.active,
        )

    @strawberry.field(description="Whether items sit below it (inactive ones included).")
    async def has_children(self, info: Info) -> bool:
        return await info.context.templates.has_children.load(self.model.id)

    @strawberry.field(description="The next level down (lazily, one level per request).")
    async def children(
        self, info: Info, include_inactive: IncludeInactive = False
    ) -> list[DictionaryItemType]:
        rows = await info.context.templates.children.load((self.model.dictionary_id, self.model.id))
        return [DictionaryItemType.of(i) for i in rows if include_inactive or i.active]

    @strawberry.field(description="The item above it; null for a root.")
    async def parent(self, info: Info) -> DictionaryItemType | None:
        if self.model.parent_id is None:
            return None
        found = await info.context.templates.item.load(self.model.parent_id)
        return DictionaryItemType.of(found) if found else None


@strawberry.type(name="TemplateConnection", description="A page of templates, by name.")
class TemplateConnection(Connection[TemplateType]):
    pass


@strawberry.type(name="DictionaryConnection", description="A page of dictionaries, by name.")
class DictionaryConnection(Connection[DictionaryType]):
    pass
