"""Memory of Python sockets: prints "OBJECT bytes RSS kB BASE kB".

OBJECT is the traced heap growth over creating N UDP sockets, divided by N;
RSS is VmRSS while holding them all open, BASE the VmRSS before.
"""
import socket
import sys
import tracemalloc


def rss():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])


n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
base = rss()
socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(n)]
held = rss()
for s in socks:
    s.close()
socks = [None] * n
tracemalloc.start()  # measured apart: tracemalloc's own traces would inflate RSS
before = tracemalloc.get_traced_memory()[0]
for i in range(n):
    socks[i] = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
after = tracemalloc.get_traced_memory()[0]
tracemalloc.stop()
print("OBJECT %.1f RSS %d BASE %d" % ((after - before) / n, held, base))
