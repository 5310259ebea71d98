from django.apps import AppConfig


class AthletesConfig(AppConfig):
    name = "athletes"
    verbose_name = "Athletes and accounts"

    def ready(self) -> None:
        # Signing in stamps the sliding session (web.sessions), so the first page after it
        # writes nothing.
        from web import sessions  # noqa: F401
