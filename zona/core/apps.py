from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zona.core"
    verbose_name = "Zona"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .sessions import mark_renewed_at_login

        user_logged_in.connect(mark_renewed_at_login, dispatch_uid="zona-session-renewed-at-login")
