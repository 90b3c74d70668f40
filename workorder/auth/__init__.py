"""Who is calling and what they may see and do. No GraphQL, no HTTP."""
