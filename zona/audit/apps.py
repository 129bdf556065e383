from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "zona.audit"
    verbose_name = "Jejak audit"
