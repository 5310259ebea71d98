from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "checkins"
    verbose_name = "Check-ins and warning signs"

    # Its own warning rules run after every receiver of checkin_committed (services._announce).

    def ready(self) -> None:
        from athletes.audit import by_attribute, track

        from .models import SymptomReport, WarningFlag, WeeklyCheckIn

        # Changes to her health records go to the access log (values masked).
        for model in (WeeklyCheckIn, SymptomReport, WarningFlag):
            track(model, athlete=by_attribute("athlete_id"))
