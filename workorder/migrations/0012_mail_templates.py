from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from workorder.models.mail_template import MailEvent, MailLanguage
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('workorder', '0011_api_token_integrations')]

    initial = False

    operations = [
        ops.CreateModel(
            name='MailSettings',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.OneToOneField('workorder.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('language', fields.CharEnumField(default=MailLanguage.EN, description='EN: en\nZH_CN: zh-CN', enum_type=MailLanguage, max_length=5)),
            ],
            options={'table': 'mail_settings', 'app': 'workorder', 'pk_attr': 'id', 'table_description': 'The language a tenant writes to outsiders in (CC addresses have no account).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MailTemplate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('workorder.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('event', fields.CharEnumField(description='CREATED: CREATED\nMOVED: MOVED\nUPDATED: UPDATED\nCLOSED: CLOSED\nREOPENED: REOPENED', enum_type=MailEvent, max_length=8)),
                ('language', fields.CharEnumField(description='EN: en\nZH_CN: zh-CN', enum_type=MailLanguage, max_length=5)),
                ('subject', fields.TextField(unique=False)),
                ('text', fields.TextField(unique=False)),
                ('html', fields.TextField(unique=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'mail_template', 'app': 'workorder', 'unique_together': (('tenant_id', 'event', 'language'),), 'pk_attr': 'id', 'table_description': "An administrator's wording of one mail event in one language (else the shipped one)."},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='MailOutbox',
            name='html_body',
            field=fields.TextField(default='', unique=False),
        ),
    ]
