"""The demo regency's RSUD, Dukcapil (and its UPT) and DPMPTSP get their 5/2024 early-proposal type."""

from __future__ import annotations

from django.db import migrations

DEMO_INSTANSI = "beltim"
TYPES = {"rsud": "rsud", "dukcapil": "dukcapil", "upt-dukcapil-manggar": "dukcapil", "dpmptsp": "ptsp"}


def forwards(apps, schema_editor):
    Unit = apps.get_model("units", "Unit")
    for slug, value in TYPES.items():
        Unit.objects.filter(instansi__slug=DEMO_INSTANSI, slug=slug, stranas_type="").update(stranas_type=value)


class Migration(migrations.Migration):
    dependencies = [("units", "0002_official_stranas_type")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
