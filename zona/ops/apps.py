from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "zona.ops"
    verbose_name = "Zona operations (backup, restore)"
