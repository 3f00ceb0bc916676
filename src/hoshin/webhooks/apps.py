from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "hoshin.webhooks"
    label = "webhooks"
    verbose_name = "Signed outgoing webhooks"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from hoshin.core import events
        from hoshin.notify import outbox
        from hoshin.webhooks import handlers, services

        # Plain subscriptions: the message is written in the change's own transaction.
        events.subscribe(events.CheckInRecorded, handlers.checkin_recorded)
        events.subscribe(events.ReviewDecided, handlers.review_decided)
        events.subscribe(events.ElementAgreed, handlers.element_agreed)
        events.subscribe(events.CycleTransitioned, handlers.cycle_transitioned)
        # Flags publish no event: their rows are watched by label, so webhooks, a sibling
        # of flags in the workflow layer, imports nothing of it.
        post_save.connect(handlers.flag_saved, sender="flags.Flag",
                          dispatch_uid="webhooks.flag_saved")
        # Webhook messages travel through the notify outbox like every other message; the
        # outbox hands each due row of this channel to `deliver`.
        outbox.SENDERS[services.CHANNEL] = services.deliver
