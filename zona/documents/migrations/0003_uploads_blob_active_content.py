from django.db import migrations, models


def flag_existing_pdfs(apps, schema_editor):
    """PDFs stored before the scan existed are scanned once, so none of them stays shown inline."""
    from zona.documents.inspection import pdf_active_content

    Blob = apps.get_model("documents", "Blob")
    for blob in Blob.objects.filter(content_type="application/pdf").iterator():
        try:
            with blob.file.open("rb") as handle:
                content = handle.read()
        except OSError:
            continue  # a missing file is for `zona evidence verify` to name
        if pdf_active_content(content):
            Blob.objects.filter(pk=blob.pk).update(active_content=True)


class Migration(migrations.Migration):
    dependencies = [("documents", "0002_alter_document_kind")]

    operations = [
        migrations.AddField(model_name="blob", name="active_content", field=models.BooleanField(default=False)),
        migrations.RunPython(flag_existing_pdfs, migrations.RunPython.noop),
    ]
