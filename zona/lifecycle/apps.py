from django.apps import AppConfig


class LifecycleConfig(AppConfig):
    name = "zona.lifecycle"
    verbose_name = "Tahapan ZI"
