from django.urls import path

from hoshin.notify import views

app_name = "notify"
urlpatterns = [
    path("settings/", views.rhythm_settings, name="settings"),
    path("me/", views.my_notifications, name="me"),
    path("slack/commands", views.slack_command, name="slack-commands"),
    path("slack/interactions", views.slack_interaction, name="slack-interactions"),
    path("teams/messages", views.teams_message, name="teams-messages"),
]
