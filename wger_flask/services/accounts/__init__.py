"""Accounts: users and passwords, tokens and their rotation, API keys, app sessions, TOTP and
recovery codes, account mail.

May import: models.accounts, models.types, the extensions and the generic layer's throttling.
Other domains use only ``users`` (validation, creation) and ``tokens`` (minting) from here.
"""
