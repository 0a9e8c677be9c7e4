package io.tenantlake.engine.sharing;

import java.util.regex.Pattern;

/**
 * A table as a share shows it: its schema ({@code refined} or {@code enhanced}) and name, and the
 * lake table behind it ({@code refined/<name>}, {@code enhanced/<name>}). Names are checked
 * against {@link #NAME} before anything is looked up, so no name reaches storage that could
 * traverse out of its folder.
 */
public record SharedTable(String schema, String name) {
  public static final String REFINED = "refined";
  public static final String ENHANCED = "enhanced";
  /** Share, schema and table names: no dots, slashes or percent signs, at most 255 characters. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,254}");

  public SharedTable {
    if (!REFINED.equals(schema) && !ENHANCED.equals(schema)) {
      throw new IllegalArgumentException("schema must be refined or enhanced, not " + schema);
    }
    if (!NAME.matcher(name).matches()) throw new IllegalArgumentException("not a table name: " + name);
  }

  /** The table under the storage root. */
  public String lakeTable() {
    return schema + "/" + name;
  }

  /** {@code refined.jira_issues}: how share requests and listings name it. */
  public String qualified() {
    return schema + "." + name;
  }

  /** {@code jira_issues} (refined) or {@code refined.jira_issues} / {@code enhanced.x}. */
  public static SharedTable parse(String text) {
    int dot = text.indexOf('.');
    return dot < 0 ? new SharedTable(REFINED, text) : new SharedTable(text.substring(0, dot), text.substring(dot + 1));
  }
}
