"""The clock and the delivery workers: everything that runs without a request."""
