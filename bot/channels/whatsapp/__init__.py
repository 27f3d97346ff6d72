"""WhatsApp through Twilio: free-form inside the 24-hour window, templates outside it."""
