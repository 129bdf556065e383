from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "zona.accounts"
    verbose_name = "Pengguna dan peran"

    def ready(self) -> None:
        from . import signals  # noqa: F401
