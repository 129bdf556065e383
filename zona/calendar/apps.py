from django.apps import AppConfig


class CalendarConfig(AppConfig):
    name = "zona.calendar"
    label = "zona_calendar"
    verbose_name = "Kalender hari kerja"
