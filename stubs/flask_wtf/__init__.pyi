# flask-wtf 1.3.0: the names wger_flask uses (stubs/README.md).
