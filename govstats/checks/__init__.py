"""Check rules. ``identities``: table arithmetic; ``narrative``: prose vs tables and percentages."""
