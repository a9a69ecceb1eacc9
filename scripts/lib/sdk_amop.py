"""AMOP with FISCO's python-sdk's own classes (BcosClient's ChannelHandler, ChannelPack,
ChannelPushHandler), unchanged: the 2.x SDK has the frame types but no AMOP API, so this driver
sends and receives the frames through them. Run from the SDK's directory with its client_config.

  python sdk_amop.py subscribe TOPIC        subscribes, answers each message with "ack:<message>"
  python sdk_amop.py publish TOPIC MESSAGE  publishes, prints the answer's result and data
"""
import sys
import threading
import time
import uuid

sys.path.insert(0, ".")
from client.bcosclient import BcosClient  # noqa: E402
from client.channel_push_dispatcher import ChannelPushHandler  # noqa: E402
from client.channelpack import ChannelPack  # noqa: E402


def seq32():
    return uuid.uuid4().hex.encode()


class Answerer(ChannelPushHandler):
    def __init__(self, handler):
        self.handler = handler

    def on_push(self, pack):
        topic, message = ChannelPack.unpack_amop_topic_message(pack.data)
        reply = ChannelPack.pack_amop_topic_message(topic, b"ack:" + message)
        self.handler.send_pack(ChannelPack(ChannelPack.TYPE_AMOP_RESP, pack.seq, 0, reply))
        print("answered", message.decode(), flush=True)


class Collector(ChannelPushHandler):
    def __init__(self):
        self.answers = {}
        self.arrived = threading.Event()

    def on_push(self, pack):
        self.answers[pack.seq] = pack
        self.arrived.set()


def main(role, topic, message=""):
    client = BcosClient()
    handler = client.channel_handler
    if role == "subscribe":
        handler.pushDispacher.add_handler(ChannelPack.TYPE_AMOP_REQ, Answerer(handler))
        handler.send_pack(ChannelPack(ChannelPack.TYPE_TOPIC_REPORT, seq32(), 0, '["_block_notify_1", "%s"]' % topic))
        print("subscribed", topic, flush=True)
        while True:
            time.sleep(1)
    collector = Collector()
    handler.pushDispacher.add_handler(ChannelPack.TYPE_AMOP_RESP, collector)
    seq = seq32()
    handler.send_pack(ChannelPack(ChannelPack.TYPE_AMOP_REQ, seq, 0, ChannelPack.pack_amop_topic_message(topic, message)))
    deadline = time.time() + 15
    while seq not in collector.answers and time.time() < deadline:
        collector.arrived.wait(0.2)
    pack = collector.answers.get(seq)
    if pack is None:
        print("no answer", flush=True)
    else:
        _, data = ChannelPack.unpack_amop_topic_message(pack.data)
        print("result", pack.result, "data", data.decode(), flush=True)
    client.finish()


if __name__ == "__main__":
    main(*sys.argv[1:])
