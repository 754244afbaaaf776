"""A tiny DNS server for the specs: a resolver that answers late.

    python3 slowdns.py [--host 127.0.0.1] [--port 53] [--delay 1.0]

UDP only, Python's standard library only. For a query of type A (or AAAA):
  - a name ending in ".slow.test" gets its answer after --delay seconds
    (A: 127.0.0.1; AAAA: no record), without holding up other queries;
  - "fast.test" and names under it get the same answer at once;
  - any other name gets NXDOMAIN at once.
Other query types get an empty answer (NOERROR, no records). Prints "ready"
(flushed) once it listens; exits when its stdin reaches end of file or on
SIGTERM, so a parent that dies takes it along.
"""
import argparse
import os
import selectors
import signal
import socket
import struct
import sys
import threading

TYPE_A, TYPE_AAAA, CLASS_IN = 1, 28, 1
NOERROR, FORMERR, NXDOMAIN = 0, 1, 3


def parse_question(packet):
    """(id, flags, name, qtype, qclass, end of question) or None."""
    if len(packet) < 12:
        return None
    qid, flags, qdcount = struct.unpack("!HHH", packet[:6])
    if qdcount != 1:
        return None
    labels, i = [], 12
    while True:
        if i >= len(packet):
            return None
        n = packet[i]
        i += 1
        if n == 0:
            break
        if n & 0xC0 or i + n > len(packet):  # no compression in a question
            return None
        labels.append(packet[i:i + n].decode("ascii", "replace").lower())
        i += n
    if i + 4 > len(packet):
        return None
    qtype, qclass = struct.unpack("!HH", packet[i:i + 4])
    return qid, flags, ".".join(labels), qtype, qclass, i + 4


def reply(packet, q, rcode, address):
    """The response to question q: the question echoed, an A record of
    address when given."""
    qid, flags, _, qtype, qclass, end = q
    # QR, the query's opcode and RD, AA, RA
    out_flags = 0x8000 | (flags & 0x7900) | 0x0400 | 0x0080 | rcode
    answers = b""
    if address and qtype == TYPE_A and qclass == CLASS_IN:
        # a pointer to the name at offset 12, type A, class IN, TTL 0
        answers = struct.pack("!HHHIH", 0xC00C, TYPE_A, CLASS_IN, 0, 4) + socket.inet_aton(address)
    header = struct.pack("!HHHHHH", qid, out_flags, 1, 1 if answers else 0, 0, 0)
    return header + packet[12:end] + answers


def answer(packet, delay):
    """(seconds to wait, response) for one query packet."""
    q = parse_question(packet)
    if q is None:
        if len(packet) < 2:
            return 0, None
        return 0, struct.pack("!HHHHHH", struct.unpack("!H", packet[:2])[0],
                              0x8000 | FORMERR, 0, 0, 0, 0)
    name = q[2]
    if name.endswith(".slow.test"):
        return delay, reply(packet, q, NOERROR, "127.0.0.1")
    if name == "fast.test" or name.endswith(".fast.test"):
        return 0, reply(packet, q, NOERROR, "127.0.0.1")
    return 0, reply(packet, q, NXDOMAIN, None)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=53)
    ap.add_argument("--delay", type=float, default=1.0)
    opts = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((opts.host, opts.port))
    sel = selectors.DefaultSelector()
    sel.register(sock, selectors.EVENT_READ)
    sel.register(sys.stdin, selectors.EVENT_READ)
    print("ready", flush=True)
    while True:
        for key, _ in sel.select():
            if key.fileobj is sys.stdin:
                if not os.read(sys.stdin.fileno(), 4096):
                    return
                continue
            packet, peer = sock.recvfrom(4096)
            wait, response = answer(packet, opts.delay)
            if response is None:
                continue
            if wait > 0:
                # late, without holding up the queries behind this one
                threading.Timer(wait, sock.sendto, (response, peer)).start()
            else:
                sock.sendto(response, peer)


if __name__ == "__main__":
    main()
