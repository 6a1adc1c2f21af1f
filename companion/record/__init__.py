"""The discussion record: the one definition of each field and vocabulary (fields), its entries
(save, conflicts, sign-off, amendments), the plain-data summary shown on screen and in the PDF,
the HTML it renders to, the PDF, the export with its schema, and retention (purge).

It may import web, discussions and the foundations (config, models, content, i18n, audit);
never patient, staff, cli or demo. Views reach the record through here, not the other way.
"""
