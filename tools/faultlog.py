"""The fault log's line format (mm/faultlog.c), read on the host.

A line is `key=value` words separated by spaces, the last key `case=` taking
the rest of the line (the CS:APP case name has spaces):

  seq=14 pid=3 comm=demo_lazy addr=0x7fffefff8000 rip=0x40119d access=write
  mode=user present=0 area=0x7fffefff8000-0x7ffff0000000 prot=rw-p backing=anon
  result=handled stack_grew=0 pfn=0x1bc ref=1 case=demand-zero page

tools/pagoda-run --faultlog FILE writes one JSON object per line with these
keys; counts are numbers, addresses stay hex strings (a kernel address does
not fit a JSON number exactly).
"""
import json

INT_KEYS = ("seq", "pid", "present", "stack_grew", "ref")


def parse(line):
    """One fault-log line as a dict, or None for a line that is not one."""
    line = line.strip()
    if not line.startswith("seq="):
        return None
    head, _, case = line.partition(" case=")
    event = dict(word.split("=", 1) for word in head.split() if "=" in word)
    event["case"] = case
    for k in INT_KEYS:
        if k in event:
            event[k] = int(event[k], 0)
    return event


def to_json_lines(text):
    """Every fault-log line of `text` as a JSON line."""
    events = [e for e in map(parse, text.splitlines()) if e]
    return "".join(json.dumps(e) + "\n" for e in events)
