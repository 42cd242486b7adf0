"""Every write to the programme goes through a function here: keyword-only arguments,
`full_clean()`, one transaction, a change reason for history."""
