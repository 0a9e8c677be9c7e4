package io.tenantlake.testkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format (0.0.4), for tests that scrape
 * {@code /metrics}: prometheus-metrics 1.x writes the format but has no Java parser. Every line
 * must be a {@code # HELP}, a {@code # TYPE} or a sample of the family typed last (prometheus-metrics
 * names a counter's family with its {@code _total}); a sample's name
 * must belong to that family (with {@code _total}, {@code _bucket}, {@code _count}, {@code _sum},
 * {@code _created} as the type allows); label values are unescaped; anything else throws, so a
 * malformed exposition fails the test that reads it.
 */
public final class PrometheusText {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern TYPE = Pattern.compile("# TYPE (\\S+) (counter|gauge|histogram|summary|untyped|info|stateset|gaugehistogram|unknown)");
  private static final Pattern HELP = Pattern.compile("# HELP (\\S+) (.*)");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\[\\\\\"n])*)\"");

  /** One sample line: its full name, labels and value. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  /** A family: its base name, type and samples, in the order written. */
  public record Family(String name, String type, String help, List<Sample> samples) {}

  private final Map<String, Family> families;

  private PrometheusText(Map<String, Family> families) {
    this.families = families;
  }

  public static PrometheusText parse(String text) {
    Map<String, Family> out = new LinkedHashMap<>();
    Map<String, String> help = new LinkedHashMap<>();
    String current = null;
    String currentType = null;
    List<Sample> samples = null;
    int lineNo = 0;
    for (String line : text.split("\n", -1)) {
      lineNo++;
      if (line.isEmpty()) continue;
      Matcher m;
      if ((m = HELP.matcher(line)).matches()) {
        help.put(m.group(1), m.group(2));
      } else if ((m = TYPE.matcher(line)).matches()) {
        current = m.group(1);
        currentType = m.group(2);
        if (out.containsKey(current)) throw new IllegalArgumentException("line " + lineNo + ": family " + current + " typed twice");
        samples = new ArrayList<>();
        out.put(current, new Family(current, currentType, help.get(current), samples));
      } else if (line.startsWith("#")) {
        throw new IllegalArgumentException("line " + lineNo + ": unknown comment: " + line);
      } else {
        if (current == null) throw new IllegalArgumentException("line " + lineNo + ": sample before any # TYPE: " + line);
        Sample s = sample(line, lineNo);
        if (!belongs(s.name(), current, currentType)) {
          throw new IllegalArgumentException("line " + lineNo + ": " + s.name() + " is not of family " + current
              + " (" + currentType + ")");
        }
        samples.add(s);
      }
    }
    return new PrometheusText(out);
  }

  private static boolean belongs(String name, String family, String type) {
    // a counter's family may be named with its _total (as prometheus-metrics writes it) or without
    if (name.equals(family)) return !type.equals("histogram") && !type.equals("summary")
        && (!type.equals("counter") || family.endsWith("_total"));
    String suffix = name.startsWith(family) ? name.substring(family.length()) : null;
    if (suffix == null) return false;
    return switch (type) {
      case "counter" -> suffix.equals("_total") || suffix.equals("_created");
      case "histogram", "gaugehistogram" -> List.of("_bucket", "_count", "_sum", "_created").contains(suffix);
      case "summary" -> List.of("_count", "_sum", "_created").contains(suffix);
      case "info" -> suffix.equals("_info");
      default -> false;
    };
  }

  private static Sample sample(String line, int lineNo) {
    Matcher n = NAME.matcher(line);
    if (!n.lookingAt()) throw new IllegalArgumentException("line " + lineNo + ": no metric name: " + line);
    String name = n.group();
    int at = n.end();
    Map<String, String> labels = new LinkedHashMap<>();
    if (at < line.length() && line.charAt(at) == '{') {
      at++;
      while (line.charAt(at) != '}') {
        Matcher l = LABEL.matcher(line).region(at, line.length());
        if (!l.lookingAt()) throw new IllegalArgumentException("line " + lineNo + ": bad label at " + at + ": " + line);
        if (labels.put(l.group(1), unescape(l.group(2))) != null) {
          throw new IllegalArgumentException("line " + lineNo + ": label " + l.group(1) + " twice");
        }
        at = l.end();
        if (line.charAt(at) == ',') at++;
        else if (line.charAt(at) != '}') throw new IllegalArgumentException("line " + lineNo + ": expected , or }: " + line);
      }
      at++;
    }
    if (at >= line.length() || line.charAt(at) != ' ') throw new IllegalArgumentException("line " + lineNo + ": no value: " + line);
    String[] rest = line.substring(at + 1).split(" ");
    if (rest.length > 2) throw new IllegalArgumentException("line " + lineNo + ": trailing text: " + line);
    if (rest.length == 2) Long.parseLong(rest[1]); // a timestamp, if any, must be an integer
    return new Sample(name, Collections.unmodifiableMap(labels), value(rest[0], lineNo));
  }

  private static double value(String v, int lineNo) {
    return switch (v) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> {
        try {
          yield Double.parseDouble(v);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("line " + lineNo + ": not a number: " + v);
        }
      }
    };
  }

  private static String unescape(String v) {
    return v.replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\");
  }

  public Map<String, Family> families() {
    return families;
  }

  public Optional<Family> family(String name) {
    return Optional.ofNullable(families.get(name));
  }

  /** Every sample of that exact name whose labels include {@code labels} (name, value, ...). */
  public List<Sample> samples(String sampleName, String... labels) {
    List<Sample> out = new ArrayList<>();
    for (Family f : families.values()) {
      for (Sample s : f.samples()) {
        if (s.name().equals(sampleName) && has(s, labels)) out.add(s);
      }
    }
    return out;
  }

  /** The one sample of that name and labels; throws when there is none or more than one. */
  public double value(String sampleName, String... labels) {
    List<Sample> found = samples(sampleName, labels);
    if (found.size() != 1) {
      throw new IllegalArgumentException(found.size() + " samples " + sampleName + " " + String.join(",", labels));
    }
    return found.get(0).value();
  }

  /** The sum over every sample of that name (say, a counter over all its label values). */
  public double sum(String sampleName) {
    return samples(sampleName).stream().mapToDouble(Sample::value).sum();
  }

  private static boolean has(Sample s, String... labels) {
    for (int i = 0; i + 1 < labels.length; i += 2) {
      if (!labels[i + 1].equals(s.labels().get(labels[i]))) return false;
    }
    return true;
  }
}
