"""The web around every page: response headers, CSRF, compression, hashed asset URLs, throttling,
the front door and error pages, template helpers, QR codes, icon arrays and the kiosk keys of a
tablet handed to a patient.

Nothing here knows a patient's page or a staff page: the features give the layout the pages it
links to as they are registered (layout.py). It may import the foundations (config,
models, content, i18n, audit) and discussions; never patient, staff, record, cli or demo.
"""
