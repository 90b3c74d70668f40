from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index
from workorder.models.customer import digits_of


# The EXACT lookup of a phone-shaped text (auth/customers.py) is an OR of equalities on these
# columns, within a tenant: an index each (db_index alone creates none here), so it stays a
# few index probes however large the book.
INDEXES = [
    "CREATE INDEX IF NOT EXISTS ix_customer_tenant_phone_digits ON customer (tenant_id, phone_digits)",
    "CREATE INDEX IF NOT EXISTS ix_customer_tenant_name ON customer (tenant_id, name)",
    "CREATE INDEX IF NOT EXISTS ix_customer_tenant_external_ref ON customer (tenant_id, external_ref)",
    "CREATE INDEX IF NOT EXISTS ix_contact_tenant_phone_digits ON contact (tenant_id, phone_digits)",
    "CREATE INDEX IF NOT EXISTS ix_contact_tenant_name ON contact (tenant_id, name)",
    "CREATE INDEX IF NOT EXISTS ix_customer_grant_user ON customer_grant (user_id, until)",
]


async def create_indexes(apps, schema_editor):
    for statement in INDEXES:
        await schema_editor.client.execute_script(statement)


# The exact lookup compares `phone_digits` (auth/customers.py): fill it for the rows that
# exist, with the very function the models keep it in step with.
async def backfill_phone_digits(apps, schema_editor):
    client = schema_editor.client
    mark = "?" if client.capabilities.dialect == "sqlite" else "$"
    for table in ("customer", "contact"):
        _, rows = await client.execute_query(
            f"SELECT id, phone FROM {table} WHERE phone IS NOT NULL"
        )
        values = [[digits_of(row["phone"]), row["id"]] for row in rows]
        if values:
            first, second = (f"{mark}1", f"{mark}2") if mark == "$" else ("?", "?")
            await client.execute_many(
                f"UPDATE {table} SET phone_digits = {first} WHERE id = {second}", values
            )

class Migration(migrations.Migration):
    dependencies = [('workorder', '0014_reminders')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CustomerGrant',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('workorder.User', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('customer', fields.ForeignKeyField('workorder.Customer', source_field='customer_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('contact', fields.ForeignKeyField('workorder.Contact', source_field='contact_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('until', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'customer_grant', 'app': 'workorder', 'indexes': [Index(fields=['user_id', 'customer_id']), Index(fields=['user_id', 'contact_id'])], 'pk_attr': 'id', 'table_description': 'A customer or contact a lookup showed a user: they may name it by id until `until`.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Contact',
            name='created_by',
            field=fields.ForeignKeyField('workorder.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='Contact',
            name='phone_digits',
            field=fields.CharField(null=True, db_index=True, max_length=50),
        ),
        ops.AddField(
            model_name='Customer',
            name='created_by',
            field=fields.ForeignKeyField('workorder.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL),
        ),
        ops.AlterField(
            model_name='Customer',
            name='external_ref',
            field=fields.CharField(null=True, db_index=True, max_length=100),
        ),
        ops.AddField(
            model_name='Customer',
            name='phone_digits',
            field=fields.CharField(null=True, db_index=True, max_length=50),
        ),
        ops.RunPython(backfill_phone_digits, ops.RunPython.noop),
        ops.RunPython(create_indexes, ops.RunPython.noop),
    ]
