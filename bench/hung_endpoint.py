"""A hung endpoint for by-hand batch runs (BENCHMARKS.md, "fifth session"):
listens on 127.0.0.1:18700, reads every HTTP request and never answers,
and writes how many requests it has read to /tmp/hung_count.txt every 0.5 s.

    python3 bench/hung_endpoint.py &
    # chains.toml: rpc = ["http://127.0.0.1:18700", <healthy endpoints>]
"""
import socket
import threading
import time

COUNT_FILE = "/tmp/hung_count.txt"
requests = 0


def report():
    while True:
        time.sleep(0.5)
        with open(COUNT_FILE, "w") as f:
            f.write(str(requests))


def serve(conn):
    """Reads requests (head, then Content-Length bytes) off one connection."""
    global requests
    buf = b""
    while True:
        try:
            data = conn.recv(65536)
        except OSError:
            return
        if not data:
            return
        buf += data
        while b"\r\n\r\n" in buf:
            head, rest = buf.split(b"\r\n\r\n", 1)
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if len(rest) < length:
                break
            buf = rest[length:]
            requests += 1


def main():
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 18700))
    listener.listen(1000)
    threading.Thread(target=report, daemon=True).start()
    held = []  # never closed: the client waits out its own timeout
    while True:
        conn, _ = listener.accept()
        held.append(conn)
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
