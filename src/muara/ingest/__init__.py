"""One file into the warehouse: coerce, validate, load in one transaction, the ledger, the officer's report,
the GX Data Docs page, personal-data protection and the inbox.
"""
