"""Web-only state. Failed log-ins live in the database so every server worker sees them."""

from django.db import models


class LoginAttempt(models.Model):
    """One failed log-in. Rows are short-lived: see hoshin.web.throttle."""

    email = models.CharField(max_length=254, db_index=True)
    ip = models.CharField(max_length=45, db_index=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.email} from {self.ip} at {self.at:%Y-%m-%d %H:%M:%S}"
