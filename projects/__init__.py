"""Projects and their life: companies, milestones, contacts, pool moves and progress reports."""
