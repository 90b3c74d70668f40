from tortoise import migrations
from tortoise.migrations import operations as ops
from workorder.models.tenant import CustomerLookupMode
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('workorder', '0004_jobs')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Tenant',
            name='customer_lookup_mode',
            field=fields.CharEnumField(default=CustomerLookupMode.FUZZY, description='EXACT: EXACT\nFUZZY: FUZZY', db_default=CustomerLookupMode.FUZZY, enum_type=CustomerLookupMode, max_length=5),
        ),
    ]
