"""Reports, indicators, figures traced to their sentence, campaign targets and roll-ups."""
