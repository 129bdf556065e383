from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "zona.documents"
    verbose_name = "Dokumen dan data dukung"
