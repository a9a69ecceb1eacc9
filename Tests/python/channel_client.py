"""A client of FISCO BCOS 2.x's channel port written as FISCO's python-sdk connects: TLS 1.2 with
ECDHE restricted to secp256k1, its sdk/ certificate, frames of a 42-byte header (`!IH32sI`)."""
import json
import os
import socket
import ssl
import struct
import time
import uuid
import warnings

RPC, HEARTBEAT, TOPIC_REPORT, TX_COMMITTED, BLOCK_NUMBER = 0x12, 0x13, 0x32, 0x1000, 0x1001


def sdk_context(sdk_dir):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context = ssl.SSLContext(ssl.PROTOCOL_TLSv1_2)
    context.check_hostname = False
    context.load_verify_locations(os.path.join(sdk_dir, "ca.crt"))
    context.load_cert_chain(os.path.join(sdk_dir, "sdk.crt"), os.path.join(sdk_dir, "sdk.key"))
    context.set_ecdh_curve("secp256k1")
    context.verify_mode = ssl.CERT_REQUIRED
    return context


def sequence():
    return uuid.uuid4().hex.encode()


class ChannelClient:
    def __init__(self, port, sdk_dir=None, context=None, timeout=15):
        raw = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock = (context or sdk_context(sdk_dir)).wrap_socket(raw)
        self.buffer = b""

    def send(self, kind, seq, body):
        self.sock.sendall(struct.pack("!IH32sI", 42 + len(body), kind, seq, 0) + body)

    def send_raw(self, data):
        self.sock.sendall(data)

    def recv(self, timeout=15):
        """The next frame as (type, sequence, result, body); raises on timeout or close."""
        deadline = time.time() + timeout
        while True:
            if len(self.buffer) >= 42:
                length = struct.unpack("!I", self.buffer[:4])[0]
                if len(self.buffer) >= length:
                    frame, self.buffer = self.buffer[:length], self.buffer[length:]
                    _, kind, seq, result = struct.unpack("!IH32sI", frame[:42])
                    return kind, seq, result, frame[42:]
            self.sock.settimeout(max(0.01, deadline - time.time()))
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the node closed the channel")
            self.buffer += chunk

    def recv_type(self, kind, timeout=15):
        """The next frame of `kind`, skipping others."""
        deadline = time.time() + timeout
        while True:
            frame = self.recv(max(0.01, deadline - time.time()))
            if frame[0] == kind:
                return frame

    def rpc(self, method, *params):
        seq = sequence()
        self.send(RPC, seq, json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}).encode())
        kind, got, result, body = self.recv_type(RPC)
        assert got == seq and result == 0, (got, seq, result)
        return json.loads(body), seq

    def close(self):
        self.sock.close()
