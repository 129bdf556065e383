from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "zona.assessments"
    verbose_name = "Penilaian LKE"
