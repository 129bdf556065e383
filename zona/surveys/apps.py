from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "zona.surveys"
    verbose_name = "Survei persepsi publik"
