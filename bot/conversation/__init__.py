"""The conversation core: channel-agnostic values, words and the handler router."""
