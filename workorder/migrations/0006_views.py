from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from workorder.models.ticket import TeamAccess
from tortoise import fields

INDEXES = [
    "CREATE INDEX IF NOT EXISTS ix_ticket_updated ON ticket (tenant_id, updated_at, id)",
    "CREATE INDEX IF NOT EXISTS ix_ticket_created ON ticket (tenant_id, created_at, id)",
    "CREATE INDEX IF NOT EXISTS ix_ticket_assignee ON ticket (tenant_id, assignee_id, status, updated_at)",
    # MINE in its default order (updated, newest first), first and deep pages alike.
    "CREATE INDEX IF NOT EXISTS ix_ticket_assignee_updated ON ticket (tenant_id, assignee_id, updated_at, id)",
    "CREATE INDEX IF NOT EXISTS ix_ticket_group ON ticket (tenant_id, current_group_id, status)",
    "CREATE INDEX IF NOT EXISTS ix_ticket_creator ON ticket (tenant_id, creator_id)",
    "CREATE INDEX IF NOT EXISTS ix_ticket_customer ON ticket (tenant_id, customer_id, created_at)",
    "CREATE INDEX IF NOT EXISTS ix_participant_user ON ticket_participant (user_id, ticket_id)",
    "CREATE INDEX IF NOT EXISTS ix_team_member_user ON ticket_team_member (user_id, ticket_id)",
    "CREATE INDEX IF NOT EXISTS ix_follower_user ON ticket_follower (user_id, ticket_id)",
    "CREATE INDEX IF NOT EXISTS ix_candidate_user ON ticket_candidate (user_id, ticket_id)",
    "CREATE INDEX IF NOT EXISTS ix_event_ticket ON ticket_event (ticket_id, id)",
    "CREATE INDEX IF NOT EXISTS ix_user_department ON app_user (tenant_id, department_id)",
    # One rule per owner and target: two admins adding the same rule at once cannot both win.
    "CREATE UNIQUE INDEX IF NOT EXISTS ux_sharing_rule ON sharing_rule (tenant_id,"
    " COALESCE(owner_user_id, 0), COALESCE(owner_department_id, 0), COALESCE(target_user_id, 0),"
    " COALESCE(target_department_id, 0), COALESCE(target_group_id, 0))",
    "CREATE INDEX IF NOT EXISTS ix_saved_view_owner ON saved_view (tenant_id, owner_id)",
]
# Custom-field filters use JSONB containment (@>) on PostgreSQL: this index serves them.
POSTGRES_INDEXES = [
    "CREATE INDEX IF NOT EXISTS ix_ticket_field_values ON ticket USING GIN (field_values jsonb_path_ops)",
]


async def create_indexes(apps, schema_editor):
    """The indexes the ticket views page by; written as SQL because Tortoise index options
    cannot express the GIN index, and both databases accept these statements."""
    client = schema_editor.client
    statements = list(INDEXES)
    if client.capabilities.dialect == "postgres":
        statements += POSTGRES_INDEXES
    for statement in statements:
        await client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [('workorder', '0005_tenant_lookup')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SavedView',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('workorder.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('owner', fields.ForeignKeyField('workorder.User', source_field='owner_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=100)),
                ('base', fields.CharField(default='ALL', max_length=40)),
                ('template', fields.ForeignKeyField('workorder.Template', source_field='template_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('conditions', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('columns', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('sort', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('position', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'saved_view', 'app': 'workorder', 'pk_attr': 'id', 'table_description': 'A custom menu entry: a preset view narrowed by a filter, with its columns and sort.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SharingRule',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('workorder.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('owner_user', fields.ForeignKeyField('workorder.User', source_field='owner_user_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('owner_department', fields.ForeignKeyField('workorder.Department', source_field='owner_department_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('target_user', fields.ForeignKeyField('workorder.User', source_field='target_user_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('target_department', fields.ForeignKeyField('workorder.Department', source_field='target_department_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('target_group', fields.ForeignKeyField('workorder.Group', source_field='target_group_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('access', fields.CharEnumField(default=TeamAccess.READ, description='READ: READ\nREAD_WRITE: READ_WRITE', enum_type=TeamAccess, max_length=10)),
                ('created_by', fields.ForeignKeyField('workorder.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'sharing_rule', 'app': 'workorder', 'pk_attr': 'id', 'table_description': 'Shares the tickets in the charge of one user, or of one department and those below it,'},
            bases=['Model'],
        ),
        ops.RunPython(create_indexes, ops.RunPython.noop),
    ]
