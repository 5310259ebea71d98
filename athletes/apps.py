from django.apps import AppConfig


class AthletesConfig(AppConfig):
    name = "athletes"
    verbose_name = "Athletes and accounts"

    def ready(self) -> None:
        from . import mfa  # noqa: F401  (its receivers keep the cached policy fresh)
