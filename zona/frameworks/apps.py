from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    name = "zona.frameworks"
    verbose_name = "Kerangka LKE"
