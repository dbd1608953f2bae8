"""Files in, validated documents out, with a ledger of what became of each file."""
