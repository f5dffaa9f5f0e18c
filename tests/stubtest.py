"""Shared by the stub-tool tests (rtla-sigint.sh, cyclictest-sigint.sh):
read the stub's log (one line of key=value per run of the stub) and check
gupbench's observers.json against it.

    import stubtest
    log, check = stubtest.start(STUB_LOG)
    check("what", condition)        # prints ok/FAIL: what
    check.end()                     # exit 1 on any FAIL, else the summary line
"""
import sys


class Checks:
    def __init__(self):
        self.ok = True

    def __call__(self, what, cond):
        print("%s: %s" % ("ok" if cond else "FAIL", what))
        self.ok &= bool(cond)

    def end(self):
        if not self.ok:
            sys.exit(1)
        print("1 passed, 0 failed")


def start(log_path):
    """(the stub's runs as dicts, a Checks)"""
    with open(log_path) as f:
        log = [dict(kv.split("=", 1) for kv in line.split()) for line in f]
    return log, Checks()
