"""Memory of asyncio tasks waiting in reader.read(): prints
"TASK bytes RSSTASK bytes N n".

N connections come from bench/tools/holder.py (BENCH_HOLDER); their
sockets exist before the baseline. Each task is a StreamReader/Writer pair
made with asyncio.open_connection(sock=...) and a task awaiting
reader.read(64): asyncio needs the stream (transport, protocol, reader) to
wait on a socket, so it is counted with the task. TASK is tracemalloc's
growth over N; RSSTASK the VmRSS growth over N, taken in a separate round
without tracemalloc (its traces would inflate RSS).
"""
import asyncio
import os
import socket
import subprocess
import sys
import tracemalloc


def rss():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])


def connections(n):
    lsn = socket.create_server(("127.0.0.1", 0), backlog=4096)
    holder = subprocess.Popen(os.environ["BENCH_HOLDER"].split()
                              + [str(lsn.getsockname()[1]), str(n)],
                              stdout=subprocess.DEVNULL)
    socks = [lsn.accept()[0] for _ in range(n)]
    lsn.close()
    return socks, holder


async def measure(n, traced):
    """Bytes per waiting task: RSS growth, or tracemalloc's when traced."""
    socks, holder = connections(n)
    if traced:
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
    else:
        before = rss() * 1024
    tasks, writers = [], []
    for s in socks:
        reader, writer = await asyncio.open_connection(sock=s)
        writers.append(writer)
        tasks.append(asyncio.create_task(reader.read(64)))
    await asyncio.sleep(0)  # every task starts and waits
    await asyncio.sleep(0)
    after = tracemalloc.get_traced_memory()[0] if traced else rss() * 1024
    if traced:
        tracemalloc.stop()
    for s in socks:
        s.shutdown(socket.SHUT_WR)  # the holder exits; every read returns b""
    await asyncio.gather(*tasks)
    for w in writers:
        w.close()
    await asyncio.to_thread(holder.wait)
    return (after - before) / n


async def main(n):
    per_rss = await measure(n, False)
    per_heap = await measure(n, True)
    print("TASK %.1f RSSTASK %.1f N %d" % (per_heap, per_rss, n))


asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000))
