"""A small WebSocket client on the standard library (RFC 6455: handshake, masked text frames out,
text and close frames in), for tests that run without web3.py."""
import base64
import json
import os
import socket
import struct
import time


class WebSocketClient:
    def __init__(self, host, port, timeout=15):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET / HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        response = b""
        while b"\r\n\r\n" not in response:
            response += self.sock.recv(4096)
        head, self.buffer = response.split(b"\r\n\r\n", 1)
        assert head.startswith(b"HTTP/1.1 101"), head
        self.next_id = 0

    def send_text(self, text):
        payload = text.encode()
        mask = os.urandom(4)
        header = bytes([0x81])
        if len(payload) < 126:
            header += bytes([0x80 | len(payload)])
        elif len(payload) < 1 << 16:
            header += bytes([0x80 | 126]) + struct.pack("!H", len(payload))
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", len(payload))
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def _read(self, count, deadline):
        while len(self.buffer) < count:
            self.sock.settimeout(max(0.01, deadline - time.time()))
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buffer += chunk
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def recv_json(self, timeout=15):
        deadline = time.time() + timeout
        while True:
            first, second = self._read(2, deadline)
            length = second & 0x7F
            if length == 126:
                length = struct.unpack("!H", self._read(2, deadline))[0]
            elif length == 127:
                length = struct.unpack("!Q", self._read(8, deadline))[0]
            payload = self._read(length, deadline)
            opcode = first & 0x0F
            if opcode == 0x8:
                raise ConnectionError(f"closed: {payload[2:].decode(errors='replace')}")
            if opcode in (0x1, 0x2):
                return json.loads(payload)

    def call(self, method, *params, timeout=15):
        """Sends a request and returns its answer; notifications met on the way are kept."""
        self.next_id += 1
        self.send_text(json.dumps({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": list(params)}))
        self.notifications = getattr(self, "notifications", [])
        while True:
            message = self.recv_json(timeout)
            if message.get("id") == self.next_id:
                return message
            self.notifications.append(message)

    def notification(self, method, timeout=15):
        self.notifications = getattr(self, "notifications", [])
        for i, message in enumerate(self.notifications):
            if message.get("method") == method:
                return self.notifications.pop(i)
        while True:
            message = self.recv_json(timeout)
            if message.get("method") == method:
                return message
            self.notifications.append(message)

    def close(self):
        self.sock.close()
