"""Holds N idle TCP connections for the tasks-idle and task-memory runs.

    python3 holder.py PORT N

Connects N times to 127.0.0.1:PORT, sends nothing, and exits once the first
connection reaches end of stream (the measured program shuts its side down
or exits), which closes them all. The idle ends live here so that the
measured process holds one descriptor per idle connection, not two: 10,000
idle connections then fit in the usual 20,000-descriptor limit.
"""
import socket
import sys

port, n = int(sys.argv[1]), int(sys.argv[2])
conns = [socket.create_connection(("127.0.0.1", port)) for _ in range(n)]
while conns[0].recv(1):
    pass
