from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "zona.units"
    verbose_name = "Instansi dan unit kerja"
