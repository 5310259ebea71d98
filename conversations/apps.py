from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "conversations"
    verbose_name = "Conversations"

    def ready(self) -> None:
        # conversations sits above plans: it listens to plans, which never imports it.
        from plans.export import export_section_add
        from plans.signals import decision_decided, demo_athlete_seeded

        from . import receivers
        from .export import messages_section

        decision_decided.connect(
            receivers.on_decision_decided, dispatch_uid="conversations.on_decision_decided"
        )
        demo_athlete_seeded.connect(
            receivers.on_demo_athlete_seeded, dispatch_uid="conversations.on_demo_athlete_seeded"
        )
        export_section_add(messages_section)
