package io.tcpmesh.storage.protocol;

import java.util.Arrays;
import java.util.Optional;

/** The value of {@code "type"} in a frame, and the record each one reads into. */
public enum MessageType {
    HELLO(Message.Hello.class),
    WELCOME(Message.Welcome.class),
    ACK(Message.Ack.class),
    ERROR(Message.Error.class),
    START(Message.Start.class),
    ROLLOVER(Message.Rollover.class),
    MONITOR(Message.Monitor.class),
    HEARTBEAT(Message.Heartbeat.class),
    STOP(Message.Stop.class);

    private final Class<? extends Message> javaType;

    MessageType(Class<? extends Message> javaType) {
        this.javaType = javaType;
    }

    public Class<? extends Message> javaType() {
        return javaType;
    }

    static MessageType of(Class<?> type) {
        for (MessageType t : values()) {
            if (t.javaType == type) {
                return t;
            }
        }
        throw new IllegalArgumentException("not a message class: " + type);
    }

    public static Optional<MessageType> named(String name) {
        return Arrays.stream(values()).filter(t -> t.name().equals(name)).findFirst();
    }
}
