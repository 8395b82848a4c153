"""Roll-ups against the campaign targets: scope sums, 三个一批 rates, 四库 pipeline, signals, rankings.

The entry points are in `run.py`; each other module computes one kind of row.
"""
