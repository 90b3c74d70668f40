from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('workorder', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Attachment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('workorder.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='attachments', on_delete=OnDelete.CASCADE)),
                ('sha256', fields.CharField(db_index=True, max_length=64)),
                ('filename', fields.CharField(max_length=255)),
                ('content_type', fields.CharField(default='application/octet-stream', max_length=255)),
                ('size', fields.BigIntField()),
                ('uploaded_by', fields.ForeignKeyField('workorder.User', source_field='uploaded_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'attachment', 'app': 'workorder', 'pk_attr': 'id', 'table_description': 'An uploaded file, stored by content hash. Referenced by attachment fields and notes.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Dictionary',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('workorder.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='dictionaries', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=200)),
                ('description', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'dictionary', 'app': 'workorder', 'unique_together': (('tenant', 'name'),), 'pk_attr': 'id', 'table_description': 'A named tree of options (province, city), drawn on by select and cascade fields.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DictionaryItem',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('workorder.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='dictionary_items', on_delete=OnDelete.CASCADE)),
                ('dictionary', fields.ForeignKeyField('workorder.Dictionary', source_field='dictionary_id', db_constraint=True, to_field='id', related_name='items', on_delete=OnDelete.CASCADE)),
                ('parent', fields.ForeignKeyField('workorder.DictionaryItem', source_field='parent_id', null=True, db_constraint=True, to_field='id', related_name='children', on_delete=OnDelete.CASCADE)),
                ('value', fields.CharField(max_length=200)),
                ('label', fields.CharField(max_length=200)),
                ('position', fields.IntField(default=0)),
                ('active', fields.BooleanField(default=True)),
            ],
            options={'table': 'dictionary_item', 'app': 'workorder', 'pk_attr': 'id', 'table_description': 'One option of a dictionary. Siblings have distinct values, so a path of values'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Template',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('workorder.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='templates', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=200)),
                ('active', fields.BooleanField(default=True)),
                ('version_number', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'template', 'app': 'workorder', 'pk_attr': 'id', 'table_description': 'A work-order type. Its configuration lives in immutable versions, and this row points at'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TemplateVersion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('workorder.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='template_versions', on_delete=OnDelete.CASCADE)),
                ('template', fields.ForeignKeyField('workorder.Template', source_field='template_id', db_constraint=True, to_field='id', related_name='versions', on_delete=OnDelete.CASCADE)),
                ('number', fields.IntField()),
                ('config', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('in_use', fields.BooleanField(default=False)),
                ('created_by', fields.ForeignKeyField('workorder.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'template_version', 'app': 'workorder', 'unique_together': (('template', 'number'),), 'pk_attr': 'id', 'table_description': 'One immutable snapshot of a template: parameters, fields and workflow steps.'},
            bases=['Model'],
        ),
            ops.AddField(model_name='Template', name='current_version', field=fields.ForeignKeyField('workorder.TemplateVersion', source_field='current_version_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
    ]
