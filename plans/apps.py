from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "Plans and decisions"

    def ready(self) -> None:
        # plans sits above athletes and checkins: it listens to them, they never import it.
        from checkins.signals import checkin_committed

        from . import receivers

        checkin_committed.connect(receivers.queue_decision, dispatch_uid="plans.queue_decision")
