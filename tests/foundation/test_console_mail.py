"""make run's emails go to the console, readable: the subject as written, not MIME-encoded."""

import io

from django.core.mail import EmailMessage

from config.mail import ReadableConsoleBackend


def test_the_console_shows_subjects_and_bodies_as_written():
    stream = io.StringIO()
    message = EmailMessage("New production run #15: 6 × Linen Overshirt (stitching)", "Bitte annehmen: ÄÖÜ",
                           "production@localhost", ["blu@partners.example"])
    assert ReadableConsoleBackend(stream=stream).send_messages([message]) == 1
    printed = stream.getvalue()
    assert "Subject: New production run #15: 6 × Linen Overshirt (stitching)\n" in printed
    assert "To: blu@partners.example\n" in printed and "Bitte annehmen: ÄÖÜ" in printed and "=?utf-8?" not in printed
