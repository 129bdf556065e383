from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zona.core"
    verbose_name = "Zona"
