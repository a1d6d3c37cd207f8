"""Reaching the user: the agenda as an e-mail digest (rendering in rules/digest.py, sending
here with smtplib) and the check that sends it once a day."""
