from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('workorder', '0010_webhooks')]

    initial = False

    operations = [
        ops.AlterModelOptions(
            name='ApiToken',
            options={'table': 'api_token', 'app': 'workorder', 'pk_attr': 'id', 'table_description': 'A partner token, shown once at creation and kept only as a hash.'},
        ),
        ops.AddField(
            model_name='ApiToken',
            name='expires_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='ApiToken',
            name='integration_user',
            field=fields.ForeignKeyField('workorder.User', source_field='integration_user_id', null=True, db_constraint=True, to_field='id', related_name='integration_tokens', on_delete=OnDelete.CASCADE),
        ),
        ops.AddField(
            model_name='User',
            name='is_integration',
            field=fields.BooleanField(default=False),
        ),
    ]
