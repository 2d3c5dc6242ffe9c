"""Custom actions for the Rasa action server (rasa-sdk), one module per concern."""
