"""Twilio: what WhatsApp and SMS share — the webhook form, the REST client, the error
codes and the status callbacks. The two channels themselves are bot/channels/whatsapp and
bot/channels/sms."""
