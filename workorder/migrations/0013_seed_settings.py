from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from workorder.models.event import EventKind
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('workorder', '0012_mail_templates')]

    initial = False

    operations = [
        ops.AddField(
            model_name='SavedView',
            name='quick_filters',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='Template',
            name='team',
            field=fields.ForeignKeyField('workorder.Group', source_field='team_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='Tenant',
            name='superiors_see_subordinates',
            field=fields.BooleanField(default=True, db_default=True),
        ),
        ops.AddField(
            model_name='Ticket',
            name='locked',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AlterField(
            model_name='TicketEvent',
            name='kind',
            field=fields.CharEnumField(description='CREATED: CREATED\nSUBMITTED: SUBMITTED\nSAVED: SAVED\nCLAIMED: CLAIMED\nASSIGNED: ASSIGNED\nFORWARDED: FORWARDED\nRETURNED: RETURNED\nTRANSFERRED: TRANSFERRED\nURGED: URGED\nNOTED: NOTED\nCLOSED: CLOSED\nREOPENED: REOPENED\nVOIDED: VOIDED\nDELETED: DELETED\nOWNER_CHANGED: OWNER_CHANGED\nTEAM_MEMBER_ADDED: TEAM_MEMBER_ADDED\nTEAM_MEMBER_REMOVED: TEAM_MEMBER_REMOVED\nFOLLOWED: FOLLOWED\nUNFOLLOWED: UNFOLLOWED\nINTERACTION_LOGGED: INTERACTION_LOGGED\nSURVEY_ANSWERED: SURVEY_ANSWERED\nLOCKED: LOCKED\nUNLOCKED: UNLOCKED', enum_type=EventKind, max_length=19),
        ),
    ]
