package io.tcpmesh.storage.protocol;

import com.fasterxml.jackson.core.JsonParser;
import io.tcpmesh.coordination.LogText;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;

/**
 * Frames and JSON of the storage protocol: a 4-byte big-endian length, then that many bytes of UTF-8
 * JSON holding {@code "v":1}, {@code "type"} and the message's fields. Thread-safe.
 */
public final class MessageCodec {
    public static final int VERSION = 1;
    /** The largest JSON body a frame may carry. */
    public static final int MAX_FRAME = 64 * 1024;
    public static final int HEADER = 4;
    /** The bounds of a START's {@code heartbeatMs} and {@code monitorMs}. */
    public static final long MIN_PERIOD_MS = 10;
    public static final long MAX_PERIOD_MS = 3_600_000;

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    /** One JSON value per body, each key once. */
    private static final ObjectReader STRICT = JSON.readerFor(JsonNode.class)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private MessageCodec() {
    }

    public static ObjectMapper json() {
        return JSON;
    }

    /** The JSON body of a message, without the length header. */
    public static byte[] toJson(Message message) {
        ObjectNode node = JSON.createObjectNode();
        node.put("v", VERSION);
        node.put("type", message.type().name());
        node.setAll((ObjectNode) JSON.valueToTree(message));
        try {
            byte[] body = JSON.writeValueAsBytes(node);
            if (body.length > MAX_FRAME) {
                throw new IllegalArgumentException(message.type() + " message of " + body.length + " bytes exceeds the frame limit " + MAX_FRAME);
            }
            return body;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + message.type(), e);
        }
    }

    /** A whole frame: header and body. */
    public static ByteBuffer frame(Message message) {
        byte[] body = toJson(message);
        ByteBuffer frame = ByteBuffer.allocate(HEADER + body.length);
        frame.putInt(body.length).put(body).flip();
        return frame;
    }

    /** Checks a frame length read from a header. */
    public static int checkLength(int length) throws FrameException {
        if (length <= 0) {
            throw new FrameException("frame length " + length + " is not positive");
        }
        if (length > MAX_FRAME) {
            throw new FrameException("frame of " + length + " bytes exceeds the limit of " + MAX_FRAME);
        }
        return length;
    }

    /** Reads one JSON body; throws naming what is wrong with it. */
    public static Message fromJson(byte[] body) throws FrameException {
        JsonNode node = parse(utf8(body));
        if (node == null || !node.isObject()) {
            throw new FrameException("frame is not a JSON object");
        }
        JsonNode v = node.get("v");
        if (v == null || !v.isIntegralNumber() || v.asLong() != VERSION) {
            throw new FrameException("unsupported protocol version " + LogText.escape(String.valueOf(v)) + " (this side speaks " + VERSION + ")");
        }
        JsonNode typeNode = node.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            throw new FrameException("type must be a string, not " + LogText.escape(String.valueOf(typeNode)));
        }
        String typeName = typeNode.asText();
        MessageType type = MessageType.named(typeName)
                .orElseThrow(() -> new FrameException("unknown message type " + LogText.quote(typeName)));
        ObjectNode fields = ((ObjectNode) node).deepCopy();
        fields.remove("v");
        fields.remove("type");
        try {
            MessageSchema.check(type, fields);
        } catch (FrameException e) {
            throw new FrameException("bad " + type + " message: " + e.getMessage());
        }
        try {
            return JSON.treeToValue(fields, type.javaType());
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new FrameException("bad " + type + " message: " + firstLine(e.getMessage()));
        }
    }

    /** Strict UTF-8: overlong forms, encoded surrogates and code points above U+10FFFF are refused. */
    private static String utf8(byte[] body) throws FrameException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new FrameException("body is not valid UTF-8");
        }
    }

    private static JsonNode parse(String text) throws FrameException {
        JsonNode node;
        try {
            node = STRICT.readValue(text);
        } catch (IOException e) {
            throw new FrameException("malformed JSON: " + firstLine(e.getMessage()));
        }
        if (node != null && hasLoneSurrogate(node)) {
            throw new FrameException("malformed JSON: a \\u escape names half of a surrogate pair");
        }
        return node;
    }

    private static boolean hasLoneSurrogate(JsonNode node) {
        if (node.isTextual()) {
            return loneSurrogate(node.textValue());
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            if (loneSurrogate(names.next())) {
                return true;
            }
        }
        for (JsonNode child : node) {
            if (hasLoneSurrogate(child)) {
                return true;
            }
        }
        return false;
    }

    private static boolean loneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    public static String toText(Message message) {
        return new String(toJson(message), StandardCharsets.UTF_8);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return LogText.escape(nl < 0 ? s : s.substring(0, nl));
    }
}
