"""Data: the GB/T 4754-2017 sections and divisions from customers/data/gbt4754_2017.json; the old
fixed industry choices mapped onto them; province / city / district of existing customers written
the GB/T 2260 way, with their code, where they can be read (left as they are otherwise)."""

import json
import pathlib

from django.db import migrations

DATA = pathlib.Path(__file__).resolve().parent.parent / "data" / "gbt4754_2017.json"

# Frozen copy of customers.models.classification.LEGACY_INDUSTRY_CODES ("other" → no industry).
LEGACY = {
    "manufacturing": "C", "it": "I", "telecom": "63", "finance": "J", "energy": "D", "construction": "E",
    "transport": "G", "retail": "F", "healthcare": "Q", "education": "P", "government": "S",
}


def load_industries(apps, schema_editor):
    Industry = apps.get_model("customers", "Industry")
    sections = json.loads(DATA.read_text(encoding="utf-8"))["sections"]
    for code, name, name_en, divisions in sections:
        section, _created = Industry.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en})
        for division_code, division_name, division_en in divisions:
            Industry.objects.get_or_create(code=division_code, defaults={
                "name": division_name, "name_en": division_en, "parent": section})


def map_customers(apps, schema_editor):
    Industry = apps.get_model("customers", "Industry")
    Customer = apps.get_model("customers", "Customer")
    ids = dict(Industry.objects.values_list("code", "pk"))
    for old, code in LEGACY.items():
        Customer.objects.filter(industry=old).update(industry_ref=ids[code])


def normalise_regions(apps, schema_editor):
    from django.core.exceptions import ValidationError

    from customers import regions

    Customer = apps.get_model("customers", "Customer")
    seen = {}
    rows = Customer.objects.exclude(province="", city="", district="").values_list(
        "province", "city", "district").distinct()
    for key in rows.iterator():
        try:
            seen[key] = regions.resolve(*key)
        except ValidationError:
            continue
    for (province, city, district), (p, c, d, code) in seen.items():
        Customer.objects.filter(province=province, city=city, district=district).update(
            province=p, city=c, district=d, region_code=code)


def unmap_customers(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    for old, code in LEGACY.items():
        Customer.objects.filter(industry_ref__code=code).update(industry=old)


class Migration(migrations.Migration):

    dependencies = [
        ("customers", "0013_classification_levels_regions"),
    ]

    operations = [
        migrations.RunPython(load_industries, migrations.RunPython.noop),
        migrations.RunPython(map_customers, unmap_customers),
        migrations.RunPython(normalise_regions, migrations.RunPython.noop),
    ]
