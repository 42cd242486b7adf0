"""Every write to a grievance: filing, triage, public updates and the daily escalation."""
