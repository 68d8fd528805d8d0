"""Load the 98 Danish municipalities and five regions from the product's own copy."""

import csv
from pathlib import Path

from django.db import migrations

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "kommuner.csv"


def load(apps, schema_editor):
    Region = apps.get_model("home", "Region")
    Municipality = apps.get_model("home", "Municipality")
    with DATA_FILE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            region, _ = Region.objects.update_or_create(
                code=row["regionskode"], defaults={"name": row["region"]}
            )
            Municipality.objects.update_or_create(
                code=row["kommunekode"], defaults={"name": row["kommune"], "region": region}
            )


class Migration(migrations.Migration):
    dependencies = [("home", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
