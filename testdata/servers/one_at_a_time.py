"""An HTTPS server that serves one connection at a time (Python's
single-threaded http.server, HTTP/1.1 keep-alive): the connections after
the first wait in the listen backlog until it is closed. It answers the
OME API paths the probe reads with fixed JSON. Used by
TestProbeOneConnectionAtATime; listens on 127.0.0.1 only.

usage: one_at_a_time.py PORT CERT_CHAIN KEY UTCTIME
"""
import http.server
import json
import ssl
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        code, body = 200, b"ok\n"
        if self.path == "/api/ApplicationService/Info":
            body = json.dumps({"Version": "4.0.1"}).encode()
        elif self.path == "/api/ApplicationService/Network/TimeConfiguration":
            body = json.dumps({"UtcTime": sys.argv[4], "EnableNTP": True}).encode()
        elif self.path.startswith("/api/"):
            code = 404
            body = b'{"error":{"@Message.ExtendedInfo":[{"MessageId":"CGEN1006"}]}}'
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[2], sys.argv[3])
server.socket = ctx.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
server.serve_forever()
