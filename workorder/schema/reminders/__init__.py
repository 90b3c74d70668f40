"""GraphQL types of reminders on tickets."""
