from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "conversations"
    verbose_name = "Conversations"

    def ready(self) -> None:
        # conversations sits above plans: it listens to plans, which never imports it.
        from plans.signals import decision_decided

        from . import receivers

        decision_decided.connect(
            receivers.on_decision_decided, dispatch_uid="conversations.on_decision_decided"
        )
