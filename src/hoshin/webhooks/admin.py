from django.contrib import admin

from hoshin.webhooks.models import Attempt, Message, Subscription


class _ReadOnly(admin.ModelAdmin):
    # Webhooks are added, changed and replayed through the services (/webhooks/, the API,
    # `hoshin webhooks`), which check the rights, seal the secret and write the audit log.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Subscription)
class SubscriptionAdmin(_ReadOnly):
    list_display = ["id", "url", "active", "created_at"]
    # The sealed secret is never shown, not even encrypted.
    exclude = ["sealed_secret"]


@admin.register(Message)
class MessageAdmin(_ReadOnly):
    list_display = ["message_id", "type", "subscription", "created_at"]


@admin.register(Attempt)
class AttemptAdmin(_ReadOnly):
    list_display = ["message", "number", "outcome", "status_code", "at"]
    list_filter = ["outcome"]
