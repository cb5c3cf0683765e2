"""A TLS server (Python's ssl) that completes each handshake and closes the
connection without reading or answering anything: a server that closes
connections. Used by TestLiveAgainstJavaClient; listens on 127.0.0.1 only.

usage: close_after_handshake.py PORT CERT_CHAIN KEY [CLIENT_CA_FILE]
(with CLIENT_CA_FILE a client certificate from those CAs is required)
"""
import socket
import ssl
import sys
import threading

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[2], sys.argv[3])
if len(sys.argv) > 4:
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(sys.argv[4])
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", int(sys.argv[1])))
listener.listen(16)


def handle(conn):
    try:
        ctx.wrap_socket(conn, server_side=True).close()
    except (ssl.SSLError, OSError):
        conn.close()


while True:
    c, _ = listener.accept()
    threading.Thread(target=handle, args=(c,), daemon=True).start()
