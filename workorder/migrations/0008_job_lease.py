from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

# The runners' poll: queued jobs, and running ones whose lease ran out — an index range each,
# so it stays cheap as finished jobs pile up.
INDEXES = [
    "CREATE INDEX IF NOT EXISTS ix_job_status_lease ON job (status, lease_until)",
]


async def create_indexes(apps, schema_editor):
    for statement in INDEXES:
        await schema_editor.client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [('workorder', '0007_sla')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Job',
            name='lease_owner',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name='Job',
            name='lease_until',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.RunPython(create_indexes, ops.RunPython.noop),
    ]
