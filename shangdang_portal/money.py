"""Money's size and precision in one place: every model field in 万元 or percent takes its digits from here."""

# One project's amount in 万元, to the fen (0.01 万元 = 100 元).
MONEY = {"max_digits": 16, "decimal_places": 2}
# 10^10 万元 (a hundred trillion yuan) is far beyond any project in the district, yet well inside what every
# column holds exactly: SQLite keeps decimals as floats, which lose cents long before MONEY's 16 digits.
MAX_MONEY = 10**10
# Sums over many projects (a scope's roll-up, a pipeline pool) and figures in other units: thousands of
# amounts each up to MAX_MONEY add up past MONEY's 16 digits, and a printed figure may carry more decimal
# places than the fen, so a total gets more digits on both sides.
AMOUNT = {"max_digits": 24, "decimal_places": 4}
# Percentages and percentage points (completion, 序时进度, gaps): a completion can far exceed 100 %.
POINTS = {"max_digits": 9, "decimal_places": 2}
