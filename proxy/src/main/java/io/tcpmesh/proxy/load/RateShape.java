package io.tcpmesh.proxy.load;

import java.time.Duration;
import java.util.Locale;

/**
 * The intended request rate of an open-loop run as a pure function of the time since the start.
 * Every shape moves between {@code rate} and {@code rateMax} (requests per second, over all connections).
 */
public sealed interface RateShape {

    /** Requests per second intended at {@code seconds} after the start; never negative. */
    double rateAt(double seconds);

    /** A copy whose rate is multiplied by {@code factor} (to split the load between workers). */
    RateShape scaled(double factor);

    String describe();

    static RateShape parse(String name, double rate, Double rateMax, Duration period, int steps) {
        if (!(rate > 0)) {
            throw new IllegalArgumentException("--rate must be positive, not " + rate);
        }
        double max = rateMax == null ? rate : rateMax;
        if (!"constant".equals(name) && !(max >= rate)) {
            throw new IllegalArgumentException("--rate-max (" + max + ") must be at least --rate (" + rate + ") for --shape " + name);
        }
        if (period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("--period must be positive, not " + period);
        }
        double p = period.toNanos() / 1e9;
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "constant" -> new Constant(rate);
            case "step" -> new Step(rate, max, p, steps);
            case "sine" -> new Sine(rate, max, p);
            case "sawtooth" -> new Sawtooth(rate, max, p);
            default -> throw new IllegalArgumentException("--shape must be constant, step, sine or sawtooth, not '" + name + "'");
        };
    }

    /** The same rate all the time. */
    record Constant(double rate) implements RateShape {
        public double rateAt(double seconds) {
            return rate;
        }

        public RateShape scaled(double factor) {
            return new Constant(rate * factor);
        }

        public String describe() {
            return String.format(Locale.ROOT, "constant %.0f/s", rate);
        }
    }

    /** {@code steps} equal stairs from rate up to rateMax, each {@code stepSeconds} long, then rateMax. */
    record Step(double rate, double rateMax, double stepSeconds, int steps) implements RateShape {
        public Step {
            if (steps < 2) {
                throw new IllegalArgumentException("--steps must be at least 2, not " + steps);
            }
        }

        public double rateAt(double seconds) {
            int stair = (int) Math.min(steps - 1, Math.floor(Math.max(0, seconds) / stepSeconds));
            return rate + (rateMax - rate) * stair / (steps - 1);
        }

        public RateShape scaled(double factor) {
            return new Step(rate * factor, rateMax * factor, stepSeconds, steps);
        }

        public String describe() {
            return String.format(Locale.ROOT, "step %.0f..%.0f/s in %d steps of %.1fs", rate, rateMax, steps, stepSeconds);
        }
    }

    /** Starts at rate, peaks at rateMax half a period later, back at rate after a period. */
    record Sine(double rate, double rateMax, double periodSeconds) implements RateShape {
        public double rateAt(double seconds) {
            return rate + (rateMax - rate) * (1 - Math.cos(2 * Math.PI * seconds / periodSeconds)) / 2;
        }

        public RateShape scaled(double factor) {
            return new Sine(rate * factor, rateMax * factor, periodSeconds);
        }

        public String describe() {
            return String.format(Locale.ROOT, "sine %.0f..%.0f/s, period %.1fs", rate, rateMax, periodSeconds);
        }
    }

    /** Climbs linearly from rate to rateMax over a period, then drops back to rate. */
    record Sawtooth(double rate, double rateMax, double periodSeconds) implements RateShape {
        public double rateAt(double seconds) {
            double phase = seconds / periodSeconds - Math.floor(seconds / periodSeconds);
            return rate + (rateMax - rate) * phase;
        }

        public RateShape scaled(double factor) {
            return new Sawtooth(rate * factor, rateMax * factor, periodSeconds);
        }

        public String describe() {
            return String.format(Locale.ROOT, "sawtooth %.0f..%.0f/s, period %.1fs", rate, rateMax, periodSeconds);
        }
    }
}
