from django.db import migrations


def load(apps, schema_editor):
    """The shipped national cuti bersama (zona/calendar/data/cuti-bersama.yaml), as editable rows."""
    from zona.calendar.defaults import national_cuti_bersama

    CutiBersama = apps.get_model("zona_calendar", "CutiBersama")
    for row in national_cuti_bersama():
        CutiBersama.objects.get_or_create(
            instansi=None, date=row["date"], defaults={"name": row["name"], "decree": row["decree"], "kind": "libur"}
        )


class Migration(migrations.Migration):
    dependencies = [("zona_calendar", "0001_calendar_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
