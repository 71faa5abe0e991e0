# Hand-written: fills the duplicate-matching keys of existing customers and adds the trigram index
# that serves the fuzzy name lookup on PostgreSQL (customers/duplicates.py).

from django.db import migrations

from core.search import trigram_index_operations


def fill_keys(apps, schema_editor):
    from customers.models.matching import backfill_match_keys

    backfill_match_keys(apps.get_model("customers", "Customer"))


class Migration(migrations.Migration):

    dependencies = [
        ("customers", "0006_match_keys"),
    ]

    operations = [
        migrations.RunPython(fill_keys, migrations.RunPython.noop, elidable=False),
        *trigram_index_operations("customers_customer", "match_name"),
    ]
