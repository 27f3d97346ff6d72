"""SMS through Twilio: for feature phones, where every character costs."""
