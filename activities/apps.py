from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = "Activity files"

    def ready(self) -> None:
        from athletes.audit import by_attribute, track

        from .models import Activity

        # Her activities are health records: their changes go to the access log (masked).
        track(Activity, athlete=by_attribute("athlete_id"))
