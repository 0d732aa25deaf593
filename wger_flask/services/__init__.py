"""Domain logic with no HTTP in it. Services never commit: the request (or command) does."""
