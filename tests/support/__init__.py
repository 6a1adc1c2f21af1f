"""What the tests share, registered once by tests/conftest.py (pytest_plugins).

database   a fresh database per test (SQLite, and PostgreSQL when the run has one), the app on it
pages      fetch a page, check what every page must be, and return it parsed
walkthrough  a patient's pages addressed by step type or id and by endpoint, never by number
staff      staff accounts with two-step sign-in, and signing in through the pages
content    content folders: the heart pump guide with a second guide that sorts first
record     a discussion the patient filled in, and the record's fields and values by definition
browser    Chromium through Playwright: the browser fixture and a tablet that audits each page
waiting    waiting for a condition instead of for a fixed time

Test modules import helpers from here, never from each other.
"""
