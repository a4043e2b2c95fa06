"""Qt widgets of the auth package (login dialog); the models stay in :mod:`auth`."""
