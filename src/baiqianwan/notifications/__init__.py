"""The notification centre: reminders to a user, shown under the bell and sent by e-mail."""
