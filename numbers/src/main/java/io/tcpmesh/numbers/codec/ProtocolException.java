package io.tcpmesh.numbers.codec;

/** A request the server refuses, with the code of the error line to send. */
public final class ProtocolException extends Exception {
    private final ErrorCode code;

    public ProtocolException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    /** The {@code ERR} line. */
    public String line() {
        return code.line(getMessage());
    }

    /** The {@code ERR} message to send. */
    public ServerMessage.Err err() {
        return ServerMessage.Err.of(code, getMessage());
    }
}
