from django.apps import AppConfig


class AthletesConfig(AppConfig):
    name = "athletes"
    verbose_name = "Athletes and accounts"

    def ready(self) -> None:
        # Signing in stamps the sliding session (web.sessions), so the first page after it
        # writes nothing.
        from web import sessions  # noqa: F401

        from .audit import by_attribute, track
        from .models import Athlete, Clearance, ReadinessAssessment

        # Changes to her health records go to the access log (values masked).
        track(Athlete, athlete=by_attribute("pk"))
        track(Clearance, athlete=by_attribute("athlete_id"))
        track(ReadinessAssessment, athlete=by_attribute("athlete_id"))
        from . import mfa  # noqa: F401  (its receivers keep the cached policy fresh)
