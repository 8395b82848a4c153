"""演示数据: a sample ledger and a year of monthly progress for a first look at the portal (`manage.py demo`)."""
