from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from workorder.models.notification import NotificationKind
from workorder.models.reminder import ReminderState
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('workorder', '0013_seed_settings')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Reminder',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('workorder.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('workorder.User', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('ticket', fields.ForeignKeyField('workorder.Ticket', source_field='ticket_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('remind_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('note', fields.TextField(default='', unique=False)),
                ('state', fields.CharEnumField(default=ReminderState.PENDING, description='PENDING: PENDING\nSENT: SENT\nSKIPPED: SKIPPED\nCANCELLED: CANCELLED', enum_type=ReminderState, max_length=9)),
                ('settled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'reminder', 'app': 'workorder', 'indexes': [Index(fields=['state', 'remind_at']), Index(fields=['user_id', 'remind_at'])], 'pk_attr': 'id', 'table_description': "A user's reminder on a ticket: a push and a mail to them at `remind_at`."},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='Notification',
            name='kind',
            field=fields.CharEnumField(description='ASSIGNED: ASSIGNED\nPOOL_NEW: POOL_NEW\nURGED: URGED\nRETURNED: RETURNED\nTRANSFERRED: TRANSFERRED\nCLOSED: CLOSED\nREOPENED: REOPENED\nNOTED: NOTED\nSLA_BREACH: SLA_BREACH\nREMINDER: REMINDER', enum_type=NotificationKind, max_length=11),
        ),
    ]
