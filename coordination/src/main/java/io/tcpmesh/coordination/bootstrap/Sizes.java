package io.tcpmesh.coordination.bootstrap;

import picocli.CommandLine;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte counts with binary suffixes: {@code 512}, {@code 64K}, {@code 10M}, {@code 1G} (K = 1024). */
public final class Sizes implements CommandLine.ITypeConverter<Long> {
    private static final Pattern FORMAT = Pattern.compile("(\\d+)([KMGT]?)(i?B)?", Pattern.CASE_INSENSITIVE);

    public static long parse(String text) {
        Matcher m = FORMAT.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size: write a whole number with an optional K, M, G or T suffix, such as 64K or 10M");
        }
        long n = Long.parseLong(m.group(1));
        int shift = switch (m.group(2).toUpperCase()) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> 0;
        };
        if (shift > 0 && n > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        return n << shift;
    }

    /** A short human form: {@code 10M}, {@code 1536K}, {@code 100}. */
    public static String format(long bytes) {
        String[] units = {"", "K", "M", "G", "T"};
        int i = 0;
        while (i < units.length - 1 && bytes != 0 && bytes % 1024 == 0) {
            bytes /= 1024;
            i++;
        }
        return bytes + units[i];
    }

    @Override
    public Long convert(String value) {
        try {
            return parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
