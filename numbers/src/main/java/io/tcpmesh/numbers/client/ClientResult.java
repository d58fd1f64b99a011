package io.tcpmesh.numbers.client;

/**
 * How a client run ended.
 *
 * @param outcome     success, or why not
 * @param received    messages received, each exactly once and in order
 * @param connections connections that reached the server
 * @param local       the checksum (stateful, CRC-32 hex) or sum (stateless) the client computed
 * @param server      the one the server sent in its END line, or null
 * @param detail      the error line or the reason of a failure, or null
 */
public record ClientResult(Outcome outcome, int received, int connections, String local, String server, String detail) {

    public enum Outcome {
        OK(0), MISMATCH(1), REFUSED(4), GAVE_UP(5);

        private final int exitCode;

        Outcome(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    public boolean ok() {
        return outcome == Outcome.OK;
    }
}
