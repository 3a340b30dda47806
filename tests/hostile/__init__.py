"""A hostile news site served on 127.0.0.1 for the fault-injection suite."""
