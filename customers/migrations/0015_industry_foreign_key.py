import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("customers", "0014_load_classification"),
    ]

    operations = [
        migrations.RemoveField(model_name="customer", name="industry"),
        migrations.RenameField(model_name="customer", old_name="industry_ref", new_name="industry"),
        migrations.AlterField(
            model_name="customer",
            name="industry",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="customers", to="customers.industry", verbose_name="industry"),
        ),
    ]
