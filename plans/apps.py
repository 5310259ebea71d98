from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "Plans and decisions"

    def ready(self) -> None:
        # plans sits above athletes and checkins: it listens to them, they never import it.
        from athletes.audit import by_attribute, track
        from checkins.signals import checkin_committed, symptom_reported

        from . import receivers
        from .models import Decision

        # Changes to her health records go to the access log (values masked).
        track(Decision, athlete=by_attribute("athlete_id"))

        checkin_committed.connect(
            receivers.on_checkin_committed, dispatch_uid="plans.on_checkin_committed"
        )
        symptom_reported.connect(
            receivers.on_symptom_reported, dispatch_uid="plans.on_symptom_reported"
        )
