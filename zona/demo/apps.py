from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "zona.demo"
    verbose_name = "Data demo"
