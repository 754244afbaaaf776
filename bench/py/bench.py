"""Python 3 `socket` side of the lsock benchmarks (issue 7).

    python3 bench.py server WORKLOAD 0    PARAMS...   prints "PORT n", serves
    python3 bench.py client WORKLOAD PORT PARAMS...   prints "RESULT rate"

Same protocol as bench/c/bench.c; see bench/README.md.
"""
import select
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
    "connect": connect_server, "select": select_server,
    "poller": poller_server, "lines": lines_server,
}
CLIENTS = {
    "pingpong": pingpong_client, "bulk": bulk_client, "udp": udp_client,
    "connect": connect_client, "select": many_client,
    "poller": many_client, "lines": lines_client,
}


def main(argv):
    role, workload, port = argv[1], argv[2], int(argv[3])
    params = [int(a) for a in argv[4:]]
    if role == "server":
        SERVERS[workload](*params)
    else:
        CLIENTS[workload](port, *params)


if __name__ == "__main__":
    main(sys.argv)
