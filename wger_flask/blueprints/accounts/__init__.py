"""Accounts routes: /api/v2 (userprofile, tokens), the allauth headless API and the web pages."""
