from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from workorder.models.job import JobStatus
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('workorder', '0003_tickets')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Job',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('workorder.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('created_by', fields.ForeignKeyField('workorder.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('kind', fields.CharField(max_length=50)),
                ('status', fields.CharEnumField(default=JobStatus.QUEUED, description='QUEUED: QUEUED\nRUNNING: RUNNING\nDONE: DONE\nFAILED: FAILED\nCANCELLED: CANCELLED', enum_type=JobStatus, max_length=9)),
                ('params', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('total', fields.IntField(default=0)),
                ('done', fields.IntField(default=0)),
                ('failed', fields.IntField(default=0)),
                ('result', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('errors', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('started_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'job', 'app': 'workorder', 'pk_attr': 'id', 'table_description': 'A long-running batch action, export or import, and how far it has come.'},
            bases=['Model'],
        ),
    ]
