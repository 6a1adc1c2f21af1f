"""The staff side: accounts and passwords, server-side sessions, the second sign-in step (totp.py
the codes as a library, two_step.py its pages), and the staff pages (sign-in, dashboard,
hand-over, the record), blueprints "staff" and "two_step".

It may import record, web, discussions and the foundations (config, models, content, i18n,
audit); never patient, cli or demo.
"""
