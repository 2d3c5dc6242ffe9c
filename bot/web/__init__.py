"""The public web surface: the customer widget, its socket and the demo page (aiohttp)."""
