package dev.berth.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format (0.0.4), for tests: every line must be
 * a HELP, a TYPE or a sample; every sample must belong to a family whose TYPE came before it, and
 * a family's samples must be contiguous. Any violation fails the test with the line.
 */
public final class PrometheusText {
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") (.*)");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{.*})? (\\S+)( -?\\d+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\[\\\\\"n])*)\"(,|$)");
    private static final List<String> SUFFIXES = List.of("", "_total", "_created", "_bucket", "_sum", "_count");

    public final Map<String, String> types = new LinkedHashMap<>();
    public final List<Sample> samples = new ArrayList<>();

    public static PrometheusText parse(String text) {
        PrometheusText p = new PrometheusText();
        if (!text.isEmpty() && !text.endsWith("\n")) {
            fail("the exposition does not end with a newline");
        }
        Set<String> closedFamilies = new HashSet<>();
        String currentFamily = null;
        String[] lines = text.split("\n");
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            String where = "line " + (n + 1) + " '" + line + "'";
            if (line.isEmpty()) {
                continue;
            }
            Matcher m;
            if ((m = TYPE.matcher(line)).matches()) {
                if (p.types.put(m.group(1), m.group(2)) != null) {
                    fail("a second TYPE for " + m.group(1) + " at " + where);
                }
                continue;
            }
            if (HELP.matcher(line).matches() || line.startsWith("# ")) {
                continue;
            }
            if (!(m = SAMPLE.matcher(line)).matches()) {
                fail("not a sample, HELP or TYPE: " + where);
            }
            String name = m.group(1);
            String family = p.familyOf(name);
            if (family == null) {
                fail("sample without a TYPE before it: " + where);
            }
            if (!family.equals(currentFamily)) {
                if (!closedFamilies.add(family)) {
                    fail("samples of " + family + " are not contiguous: " + where);
                }
                currentFamily = family;
            }
            p.samples.add(new Sample(name, labels(m.group(2), where), value(m.group(3), where)));
        }
        return p;
    }

    private String familyOf(String sampleName) {
        for (String suffix : SUFFIXES) {
            if (sampleName.endsWith(suffix)) {
                String family = sampleName.substring(0, sampleName.length() - suffix.length());
                if (types.containsKey(family)) {
                    return family;
                }
            }
        }
        return null;
    }

    private static Map<String, String> labels(String braces, String where) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (braces == null) {
            return labels;
        }
        String inner = braces.substring(1, braces.length() - 1);
        Matcher m = LABEL.matcher(inner);
        int at = 0;
        while (at < inner.length()) {
            if (!m.find(at) || m.start() != at) {
                fail("bad labels at " + where);
            }
            if (labels.put(m.group(1), m.group(2).replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\")) != null) {
                fail("label " + m.group(1) + " twice at " + where);
            }
            at = m.end();
        }
        return labels;
    }

    private static double value(String text, String where) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> {
                try {
                    yield Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    yield fail("bad value at " + where);
                }
            }
        };
    }

    /** Whether a sample named so with exactly these labels ({@code "k", "v", ...}) is there. */
    public boolean has(String name, String... labelPairs) {
        Map<String, String> want = new LinkedHashMap<>();
        for (int i = 0; i < labelPairs.length; i += 2) {
            want.put(labelPairs[i], labelPairs[i + 1]);
        }
        return samples.stream().anyMatch(s -> s.name().equals(name) && s.labels().equals(want));
    }

    /** The value of the one sample named so with exactly these labels ({@code "k", "v", ...}); fails when there is none. */
    public double value(String name, String... labelPairs) {
        Map<String, String> want = new LinkedHashMap<>();
        for (int i = 0; i < labelPairs.length; i += 2) {
            want.put(labelPairs[i], labelPairs[i + 1]);
        }
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(want))
                .mapToDouble(Sample::value).findFirst()
                .orElseGet(() -> fail("no sample " + name + want + " in " + samples));
    }
}
