"""The console email backend ``make run`` uses, readable: Django's prints the MIME message, where a subject with
a "×" or an accent is encoded (``=?utf-8?q?New_production_run_=2315...``) and the body may be base64."""

from django.core.mail.backends import console


class ReadableConsoleBackend(console.EmailBackend):
    def write_message(self, message):
        self.stream.write(
            f"From: {message.from_email}\nTo: {', '.join(message.to)}\nSubject: {message.subject}\n\n"
            f"{message.body}\n{'-' * 79}\n"
        )
