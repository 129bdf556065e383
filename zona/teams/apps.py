from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "zona.teams"
    verbose_name = "Tim ZI dan agen perubahan"
