package io.tcpmesh.storage.protocol;

import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.service.DefaultTransportMetadata;
import org.apache.mina.transport.socket.SocketSessionConfig;
import org.apache.mina.filter.codec.ProtocolCodecSession;
import org.apache.mina.filter.codec.ProtocolDecoderException;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrameDecoderTest {
    private final ProtocolCodecSession session = socketLike(new ProtocolCodecSession());
    private final FrameDecoder decoder = new FrameDecoder();

    private static final List<Message> EVERY_KIND = List.of(
            new Message.Hello("a1", null, "host", 42),
            new Message.Welcome("run-1", "storage-collector-7201"),
            new Message.Ack(7),
            new Message.Error("bad frame"),
            new Message.Start(1, 1000, 65536, 1 << 20, 2, 3000, 500, 1000, "/tmp/x", 1.5e8),
            new Message.Rollover(2, 1001, 0, 3, "a1-w0-3.dat", 1 << 20, 16, 250),
            new Message.Monitor(3, 1002, 1000, 4_000_000, 8_000_000, 12, 40, 1 << 24, 1 << 28, 1 << 26, 0),
            new Message.Heartbeat(4, 1003, List.of(new Message.ThreadStatus("writer-0", true, true)), 0),
            new Message.Stop(5, 1004, "runtime over", 3000, 12 << 20, 12, 11, 192,
                    new Message.ChunkStats(192, 20, 130, 60, 90, 360, 12100), 47, 0));

    /** A TCP-like session: MINA's decoder only accumulates on transports that fragment. */
    private static ProtocolCodecSession socketLike(ProtocolCodecSession s) {
        s.setTransportMetadata(new DefaultTransportMetadata("test", "tcp-like", false, true, InetSocketAddress.class,
                SocketSessionConfig.class, Object.class));
        return s;
    }

    private List<Object> feed(byte[]... pieces) throws Exception {
        for (byte[] piece : pieces) {
            decoder.decode(session, IoBuffer.wrap(piece), session.getDecoderOutput());
        }
        return new ArrayList<>(session.getDecoderOutputQueue());
    }

    private static byte[] bytes(Message m) {
        ByteBuffer b = MessageCodec.frame(m);
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static byte[] frame(String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    @Test
    void everyMessageKindSurvivesTheRoundTrip() throws Exception {
        for (Message m : EVERY_KIND) {
            assertThat(feed(bytes(m))).last().isEqualTo(m);
        }
        assertThat(session.getDecoderOutputQueue()).containsExactlyElementsOf(EVERY_KIND);
    }

    @Test
    void frameSplitIntoSingleBytesIsDecodedOnceWhole() throws Exception {
        byte[] whole = bytes(EVERY_KIND.get(4));
        List<Object> seen = new ArrayList<>();
        for (int i = 0; i < whole.length; i++) {
            seen = feed(new byte[] {whole[i]});
            if (i < whole.length - 1) {
                assertThat(seen).isEmpty();
            }
        }
        assertThat(seen).containsExactly(EVERY_KIND.get(4));
    }

    @Test
    void framesJoinedInOneBufferAreAllDecodedInOrder() throws Exception {
        byte[] a = bytes(EVERY_KIND.get(5));
        byte[] b = bytes(EVERY_KIND.get(6));
        byte[] c = bytes(EVERY_KIND.get(8));
        byte[] joined = ByteBuffer.allocate(a.length + b.length + c.length).put(a).put(b).put(c).array();
        // and the third one arrives in two parts
        byte[] first = java.util.Arrays.copyOf(joined, joined.length - 10);
        byte[] rest = java.util.Arrays.copyOfRange(joined, joined.length - 10, joined.length);
        assertThat(feed(first)).containsExactly(EVERY_KIND.get(5), EVERY_KIND.get(6));
        assertThat(feed(rest)).containsExactly(EVERY_KIND.get(5), EVERY_KIND.get(6), EVERY_KIND.get(8));
    }

    @Test
    void oversizedFrameIsRefusedFromItsHeaderAlone() {
        byte[] header = ByteBuffer.allocate(4).putInt(MessageCodec.MAX_FRAME + 1).array();
        assertThatThrownBy(() -> feed(header))
                .isInstanceOf(ProtocolDecoderException.class)
                .hasMessageContaining("exceeds the limit of " + MessageCodec.MAX_FRAME);
    }

    @Test
    void zeroLengthFrameIsRefused() {
        assertThatThrownBy(() -> feed(new byte[4])).isInstanceOf(ProtocolDecoderException.class)
                .hasMessageContaining("not positive");
    }

    @Test
    void corruptJsonIsRefused() {
        assertThatThrownBy(() -> feed(frame("{\"v\":1,\"type\":\"ACK\",\"seq\":")))
                .isInstanceOf(ProtocolDecoderException.class).hasMessageContaining("malformed JSON");
    }

    @Test
    void unknownTypeAndWrongVersionAreRefused() {
        assertThatThrownBy(() -> feed(frame("{\"v\":1,\"type\":\"PICKLE\"}")))
                .isInstanceOf(ProtocolDecoderException.class).hasMessageContaining("unknown message type \"PICKLE\"");
        assertThatThrownBy(() -> new FrameDecoder().decode(socketLike(new ProtocolCodecSession()),
                IoBuffer.wrap(frame("{\"v\":2,\"type\":\"ACK\",\"seq\":1}")), session.getDecoderOutput()))
                .isInstanceOf(ProtocolDecoderException.class).hasMessageContaining("unsupported protocol version 2");
    }

    @Test
    void jsonThatIsNotAnObjectIsRefused() {
        assertThatThrownBy(() -> feed(frame("[1,2,3]"))).isInstanceOf(ProtocolDecoderException.class)
                .hasMessageContaining("not a JSON object");
    }

    @Test
    void wireFormatIsLengthThenJsonWithVersionAndType() {
        byte[] b = bytes(new Message.Ack(9));
        String json = new String(b, 4, b.length - 4, StandardCharsets.UTF_8);
        assertThat(ByteBuffer.wrap(b).getInt()).isEqualTo(b.length - 4);
        assertThat(json).isEqualTo("{\"v\":1,\"type\":\"ACK\",\"seq\":9}");
    }
}
