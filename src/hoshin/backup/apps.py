from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "hoshin.backup"
    label = "backup"
    verbose_name = "Backup and restore"
