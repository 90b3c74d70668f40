from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from workorder.models.ticket import Priority
from tortoise import fields

# The SLA scheduler's scans: open tickets past a target and not yet told, each an index range
# (IS NULL is an equality to both databases), so they stay cheap as closed tickets pile up.
INDEXES = [
    "CREATE INDEX IF NOT EXISTS ix_ticket_resolution_due"
    " ON ticket (status, resolution_breached_at, due_at)",
    "CREATE INDEX IF NOT EXISTS ix_ticket_response_due"
    " ON ticket (status, first_response_at, response_breached_at, response_due_at)",
]


async def create_indexes(apps, schema_editor):
    for statement in INDEXES:
        await schema_editor.client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [('workorder', '0006_views')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SlaPolicy',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('workorder.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('template', fields.ForeignKeyField('workorder.Template', source_field='template_id', db_constraint=True, to_field='id', related_name='sla_policies', on_delete=OnDelete.CASCADE)),
                ('priority', fields.CharEnumField(description='LOW: LOW\nNORMAL: NORMAL\nHIGH: HIGH\nURGENT: URGENT', enum_type=Priority, max_length=6)),
                ('response_minutes', fields.IntField(null=True)),
                ('resolution_minutes', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'sla_policy', 'app': 'workorder', 'unique_together': (('template', 'priority'),), 'pk_attr': 'id', 'table_description': 'Service-level targets of one template at one priority, in minutes from creation.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Ticket',
            name='resolution_breached_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Ticket',
            name='response_breached_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Ticket',
            name='response_due_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.RunPython(create_indexes, ops.RunPython.noop),
    ]
