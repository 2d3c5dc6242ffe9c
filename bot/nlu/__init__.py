"""Code that runs inside the *rasa* virtual environment (it imports Rasa itself)."""
