"""Python 3 `socket` side of the lsock benchmarks (issue 7).

    python3 bench.py server WORKLOAD 0    PARAMS...   prints "PORT n", serves
    python3 bench.py client WORKLOAD PORT PARAMS...   prints "RESULT rate"
    python3 bench.py single WORKLOAD 0    PARAMS...   tasks-*: one asyncio
                                                      process, "RESULT rate"

Same protocol as bench/c/bench.c; see bench/README.md.
"""
import asyncio
import os
import select
import subprocess
import selectors
import socket
import sys
import time

HOST = "127.0.0.1"


def result(rate):
    print("RESULT %.1f" % rate, flush=True)


def bound(kind=socket.SOCK_STREAM):
    s = socket.socket(socket.AF_INET, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((HOST, 0))
    if kind == socket.SOCK_STREAM:
        s.listen(4096)
    print("PORT %d" % s.getsockname()[1], flush=True)
    return s


def nodelay(s):
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def dial(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.connect((HOST, port))
    return s


def recv_exact(s, n):
    data = s.recv(n)
    if len(data) == n or not data:
        return data
    parts = [data]
    got = len(data)
    while got < n:
        more = s.recv(n - got)
        if not more:
            break
        parts.append(more)
        got += len(more)
    return b"".join(parts)


def echo(s, size):
    data = recv_exact(s, size)
    if not data:
        return False
    s.sendall(data)
    return True


# pingpong: N SIZE
def pingpong_server(n, size):
    conn, _ = bound().accept()
    nodelay(conn)
    while echo(conn, size):
        pass


def pingpong_client(port, n, size):
    s = dial(port)
    nodelay(s)
    msg = b"x" * size
    sendall = s.sendall
    t0 = time.perf_counter()
    for _ in range(n):
        sendall(msg)
        if len(recv_exact(s, size)) != size:
            raise SystemExit("short reply")
    result(n / (time.perf_counter() - t0))


# bulk: TOTAL CHUNK -- the client sends, the server acknowledges EOF.
def bulk_server(total, chunk):
    conn, _ = bound().accept()
    recv = conn.recv
    while recv(chunk):
        pass
    conn.sendall(b"k")
    conn.close()


def bulk_client(port, total, chunk):
    s = dial(port)
    buf = b"x" * chunk
    sendall = s.sendall
    t0 = time.perf_counter()
    for _ in range(total // chunk):
        sendall(buf)
    s.shutdown(socket.SHUT_WR)
    if s.recv(1) != b"k":
        raise SystemExit("bulk ack")
    result(total / 1048576 / (time.perf_counter() - t0))


def drain_and_ack(chunk):
    """Receives to EOF with recv_into into one bytearray, pieces of at most
    chunk bytes, then answers one byte: the receiver of bulk-into and
    sendfile."""
    conn, _ = bound().accept()
    buf = bytearray(chunk)
    recv_into = conn.recv_into
    while recv_into(buf):
        pass
    conn.sendall(b"k")
    conn.close()


# bulk-into: TOTAL CHUNK -- bulk's client; the server receives into one buffer.
def bulk_into_server(total, chunk):
    drain_and_ack(chunk)


# sendfile: PATH TOTAL -- the client sends the file with socket.sendfile.
def sendfile_server(path, total):
    drain_and_ack(65536)


def sendfile_client(port, path, total):
    s = dial(port)
    with open(path, "rb") as f:
        t0 = time.perf_counter()
        sent = s.sendfile(f)
        s.shutdown(socket.SHUT_WR)
        if s.recv(1) != b"k":
            raise SystemExit("sendfile ack")
        rate = total / 1048576 / (time.perf_counter() - t0)
    if sent != total:
        raise SystemExit("sendfile: sent %d of %d" % (sent, total))
    result(rate)


# udp: N SIZE WINDOW -- the server acks every WINDOW-th datagram.
def udp_server(n, size, window):
    s = bound(socket.SOCK_DGRAM)
    recvfrom, sendto = s.recvfrom, s.sendto
    for i in range(1, n + 1):
        _, peer = recvfrom(2048)
        if i % window == 0:
            sendto(b"k", peer)


def udp_client(port, n, size, window):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect((HOST, port))
    msg = b"x" * size
    send, recv = s.send, s.recv
    t0 = time.perf_counter()
    for i in range(1, n + 1):
        send(msg)
        if i % window == 0:
            recv(16)
    result(n / (time.perf_counter() - t0))


# recvmsg: N SIZE WINDOW -- udp's client; the server receives with recvmsg.
def recvmsg_server(n, size, window):
    s = bound(socket.SOCK_DGRAM)
    recvmsg, sendto = s.recvmsg, s.sendto
    for i in range(1, n + 1):
        _, _, _, peer = recvmsg(2048)
        if i % window == 0:
            sendto(b"k", peer)


# connect: N -- the server accepts and closes; the client reads EOF, closes.
def connect_server(n):
    lsn = bound()
    for _ in range(n):
        lsn.accept()[0].close()


def connect_client(port, n):
    addr = (HOST, port)
    t0 = time.perf_counter()
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.connect(addr)
        if s.recv(1) != b"":
            raise SystemExit("expected EOF")
        s.close()
    result(n / (time.perf_counter() - t0))


# select / poller: IDLE N SIZE -- IDLE idle connections and one active.
def accept_all(count):
    lsn = bound()
    conns = []
    for _ in range(count):
        conn, _ = lsn.accept()
        nodelay(conn)
        conns.append(conn)
    return conns


def select_server(idle, n, size):
    conns = accept_all(idle + 1)
    while True:
        try:
            ready, _, _ = select.select(conns, [], [])
        except ValueError:  # "filedescriptor out of range in select()"
            print("REFUSED", flush=True)
            return
        for conn in ready:
            if not echo(conn, size):
                return


def poller_server(idle, n, size):
    conns = accept_all(idle + 1)
    sel = selectors.DefaultSelector()
    for conn in conns:
        sel.register(conn, selectors.EVENT_READ)
    while True:
        for key, _ in sel.select():
            if not echo(key.fileobj, size):
                return


def many_client(port, idle, n, size):
    keep = [dial(port) for _ in range(idle)]
    s = dial(port)
    nodelay(s)
    msg = b"x" * size
    s.sendall(msg)
    recv_exact(s, size)
    t0 = time.perf_counter()
    for _ in range(n):
        s.sendall(msg)
        if len(recv_exact(s, size)) != size:
            raise SystemExit("short reply")
    result(n / (time.perf_counter() - t0))
    del keep


# lines: COUNT LEN -- COUNT lines of LEN bytes, read with makefile().readline.
def lines_server(count, length):
    per = 65536 // length
    block = (b"x" * (length - 1) + b"\n") * per
    conn, _ = bound().accept()
    left = count
    while left > 0:
        k = min(left, per)
        conn.sendall(block if k == per else block[: k * length])
        left -= k
    conn.close()


def lines_client(port, count, length):
    f = dial(port).makefile("rb")
    readline = f.readline
    got = nbytes = 0
    t0 = time.perf_counter()
    while True:
        line = readline()
        if not line:
            break
        got += 1
        nbytes += len(line)
    t = time.perf_counter() - t0
    if got != count:
        raise SystemExit("lines: got %d of %d" % (got, count))
    result(nbytes / 1048576 / t)


SERVERS = {
    "pingpong": pingpong_server, "bulk": bulk_server, "udp": udp_server,
    "bulk-into": bulk_into_server, "sendfile": sendfile_server,
    "recvmsg": recvmsg_server,
    "connect": connect_server, "select": select_server,
    "poller": poller_server, "lines": lines_server,
}
CLIENTS = {
    "pingpong": pingpong_client, "bulk": bulk_client, "udp": udp_client,
    "bulk-into": bulk_client, "sendfile": sendfile_client, "recvmsg": udp_client,
    "connect": connect_client, "select": many_client,
    "poller": many_client, "lines": lines_client,
}


# ---- single-process workloads: asyncio streams, one task per conversation.
# asyncio sets TCP_NODELAY on its TCP transports itself.

async def echo_stream(reader, writer, size):
    """Echoes size-byte messages until the peer closes."""
    try:
        while True:
            data = await reader.readexactly(size)
            writer.write(data)
            await writer.drain()
    except asyncio.IncompleteReadError:
        pass
    writer.close()


class Pingpong:
    """Client tasks sending size-byte messages and awaiting the echo until
    stop is set; count is the round trips they completed before it."""

    def __init__(self, size):
        self.msg = b"x" * size
        self.stop = False
        self.count = 0

    async def client(self, reader, writer):
        msg, size = self.msg, len(self.msg)
        while not self.stop:
            writer.write(msg)
            await writer.drain()
            await reader.readexactly(size)
            if not self.stop:
                self.count += 1

    async def measure(self, conns, seconds):
        """Round trips/s of client tasks over conns for seconds; the
        connections stay open."""
        self.stop, self.count = False, 0
        tasks = [asyncio.create_task(self.client(r, w)) for r, w in conns]
        t0 = time.perf_counter()
        await asyncio.sleep(seconds)
        self.stop = True
        rate = self.count / (time.perf_counter() - t0)
        await asyncio.gather(*tasks)
        return rate


async def serve(size):
    server = await asyncio.start_server(lambda r, w: echo_stream(r, w, size),
                                        HOST, 0, backlog=4096)
    return server, server.sockets[0].getsockname()[1]


async def close_all(conns):
    for _, w in conns:
        w.close()
    for _, w in conns:
        await w.wait_closed()


# tasks-pingpong: PAIRS SIZE MILLISECONDS
async def tasks_pingpong(pairs, size, ms):
    server, port = await serve(size)
    conns = [await asyncio.open_connection(HOST, port) for _ in range(pairs)]
    pp = Pingpong(size)
    result(await pp.measure(conns, ms / 1000))
    await close_all(conns)
    server.close()
    await server.wait_closed()


def start_holder(port, n):
    """bench/tools/holder.py: n idle connections to port, held by another
    process (BENCH_HOLDER is its command line)."""
    return subprocess.Popen(os.environ["BENCH_HOLDER"].split() + [str(port), str(n)],
                            stdout=subprocess.DEVNULL)


# tasks-idle: IDLE SIZE MILLISECONDS -- one active pair alone, then with
# IDLE tasks each waiting in reader.read() on an idle connection.
async def tasks_idle(idle, size, ms):
    seconds = ms / 1000
    idle_tasks = []
    arrived = asyncio.Event()

    async def on_connect(reader, writer):
        if not active:
            active.append(1)
            await echo_stream(reader, writer, size)
            return
        idle_tasks.append(writer)
        if len(idle_tasks) == idle:
            arrived.set()
        await reader.read(64)  # the holder never sends: waits until the end
        writer.close()

    active = []
    server = await asyncio.start_server(on_connect, HOST, 0, backlog=4096)
    port = server.sockets[0].getsockname()[1]
    conns = [await asyncio.open_connection(HOST, port)]
    pp = Pingpong(size)
    await pp.measure(conns, seconds / 4)  # warm-up
    alone = await pp.measure(conns, seconds)
    holder = start_holder(port, idle)
    await arrived.wait()
    crowded = await pp.measure(conns, seconds)
    print("RESULT %.1f BASE %.1f" % (crowded, alone), flush=True)
    for w in idle_tasks:
        w.transport.get_extra_info("socket").shutdown(socket.SHUT_WR)
    await close_all(conns)
    server.close()
    await asyncio.to_thread(holder.wait)


SINGLES = {"tasks-pingpong": tasks_pingpong, "tasks-idle": tasks_idle}


def main(argv):
    role, workload, port = argv[1], argv[2], int(argv[3])
    # integers, but for a path (sendfile's file)
    params = [int(a) if a.isdigit() else a for a in argv[4:]]
    if role == "single":
        asyncio.run(SINGLES[workload](*params))
    elif role == "server":
        SERVERS[workload](*params)
    else:
        CLIENTS[workload](port, *params)


if __name__ == "__main__":
    main(sys.argv)
