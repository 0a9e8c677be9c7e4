package io.tenantlake.engine.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Parses a data source's filter and writes it back as SQL: accepted are boolean expressions over
 * the model's columns, literals (strings, numbers, TRUE, FALSE, NULL, DATE '...', TIMESTAMP '...'),
 * comparisons, AND/OR/NOT, IS [NOT] NULL, [NOT] IN (literals), [NOT] LIKE/ILIKE, [NOT] BETWEEN,
 * arithmetic and {@code ||}, parentheses, and the functions of {@link #FUNCTIONS}. Anything else
 * is refused naming it. What runs is the SQL written from the parse (every identifier quoted, every
 * literal escaped, every operation parenthesised), never the text as given.
 */
public final class FilterParser {
  static final Set<String> FUNCTIONS = Set.of("lower", "upper", "trim", "length", "coalesce", "starts_with", "ends_with",
      "contains", "abs", "round", "year", "month", "day", "date_trunc");
  private static final Set<String> COMPARISONS = Set.of("=", "<>", "!=", "<", "<=", ">", ">=");
  private static final int MAX_LENGTH = 4096;
  private static final int MAX_DEPTH = 64;

  private final List<String> tokens;
  private final Set<String> columns;
  private final Set<String> booleanColumns;
  private int pos;
  private int depth;

  private FilterParser(List<String> tokens, Set<String> columns, Set<String> booleanColumns) {
    this.tokens = tokens;
    this.columns = columns;
    this.booleanColumns = booleanColumns;
  }

  /** The filter as SQL to put after WHERE; an {@link IllegalArgumentException} says what was refused. */
  public static String toSql(String filter, Set<String> columns, Set<String> booleanColumns) {
    if (filter == null || filter.isBlank()) throw new IllegalArgumentException("the filter is empty");
    if (filter.length() > MAX_LENGTH) throw new IllegalArgumentException("the filter is longer than " + MAX_LENGTH + " characters");
    FilterParser p = new FilterParser(lex(filter), columns, booleanColumns);
    Node n = p.or();
    if (p.pos < p.tokens.size()) throw new IllegalArgumentException("unexpected " + p.tokens.get(p.pos) + " in the filter");
    if (!n.condition()) throw new IllegalArgumentException("the filter must be a condition (a comparison, IS NULL, IN, LIKE, ...)");
    return n.sql();
  }

  private record Node(String sql, boolean condition) {}

  private String peek() {
    return pos < tokens.size() ? tokens.get(pos) : "";
  }

  private boolean word(String w) {
    if (peek().equalsIgnoreCase(w)) {
      pos++;
      return true;
    }
    return false;
  }

  private void expect(String t) {
    if (!peek().equals(t)) throw new IllegalArgumentException("expected " + t + " in the filter, found " + (peek().isEmpty() ? "the end" : peek()));
    pos++;
  }

  private Node or() {
    if (++depth > MAX_DEPTH) throw new IllegalArgumentException("the filter is nested too deeply");
    Node left = and();
    while (word("or")) left = new Node("(" + cond(left).sql() + " OR " + cond(and()).sql() + ")", true);
    depth--;
    return left;
  }

  private Node and() {
    Node left = not();
    while (word("and")) left = new Node("(" + cond(left).sql() + " AND " + cond(not()).sql() + ")", true);
    return left;
  }

  private Node not() {
    if (word("not")) return new Node("(NOT " + cond(not()).sql() + ")", true);
    return predicate();
  }

  private static Node cond(Node n) {
    if (!n.condition()) throw new IllegalArgumentException("AND, OR and NOT need conditions, not " + n.sql());
    return n;
  }

  private Node predicate() {
    Node left = additive();
    String op = peek();
    if (COMPARISONS.contains(op)) {
      pos++;
      return new Node("(" + left.sql() + " " + (op.equals("!=") ? "<>" : op) + " " + additive().sql() + ")", true);
    }
    if (word("is")) {
      boolean negated = word("not");
      if (!word("null")) throw new IllegalArgumentException("only IS NULL and IS NOT NULL are accepted after IS");
      return new Node("(" + left.sql() + (negated ? " IS NOT NULL)" : " IS NULL)"), true);
    }
    boolean negated = word("not");
    if (word("in")) {
      expect("(");
      List<String> items = new ArrayList<>();
      do {
        items.add(literal().orElseThrow(() -> new IllegalArgumentException("IN (...) takes literals only")));
      } while (tokens.size() > pos && peek().equals(",") && pos++ >= 0);
      expect(")");
      return new Node("(" + left.sql() + (negated ? " NOT IN (" : " IN (") + String.join(", ", items) + "))", true);
    }
    for (String like : List.of("like", "ilike")) {
      if (word(like)) {
        String pattern = literal().filter(l -> l.startsWith("'"))
            .orElseThrow(() -> new IllegalArgumentException(like.toUpperCase(Locale.ROOT) + " takes a string literal"));
        return new Node("(" + left.sql() + (negated ? " NOT " : " ") + like.toUpperCase(Locale.ROOT) + " " + pattern + ")", true);
      }
    }
    if (word("between")) {
      Node lo = additive();
      if (!word("and")) throw new IllegalArgumentException("BETWEEN needs AND");
      Node hi = additive();
      return new Node("(" + left.sql() + (negated ? " NOT BETWEEN " : " BETWEEN ") + lo.sql() + " AND " + hi.sql() + ")", true);
    }
    if (negated) throw new IllegalArgumentException("NOT must be followed by IN, LIKE, ILIKE or BETWEEN here");
    return left;
  }

  private Node additive() {
    Node left = primary();
    while (Set.of("+", "-", "*", "/", "||").contains(peek())) {
      String op = tokens.get(pos++);
      left = new Node("(" + left.sql() + " " + op + " " + primary().sql() + ")", false);
    }
    return left;
  }

  private Node primary() {
    String t = peek();
    if (t.isEmpty()) throw new IllegalArgumentException("the filter ends too early");
    if (t.equals("(")) {
      pos++;
      Node inner = or();
      expect(")");
      return new Node("(" + inner.sql() + ")", inner.condition());
    }
    var lit = literal();
    if (lit.isPresent()) return new Node(lit.get(), lit.get().equals("TRUE") || lit.get().equals("FALSE"));
    if (t.startsWith("\"") || Character.isLetter(t.charAt(0)) || t.charAt(0) == '_') {
      pos++;
      String name = t.startsWith("\"") ? t.substring(1, t.length() - 1).replace("\"\"", "\"") : t.toLowerCase(Locale.ROOT);
      if (peek().equals("(")) return call(name);
      if (!columns.contains(name)) throw new IllegalArgumentException("\"" + name + "\" is not a column of the model " + columns);
      return new Node(SandboxedDuckDb.ident(name), booleanColumns.contains(name));
    }
    throw new IllegalArgumentException("unexpected " + t + " in the filter");
  }

  private Node call(String name) {
    if (!FUNCTIONS.contains(name)) throw new IllegalArgumentException("the function " + name + " is not accepted in a filter (only " + FUNCTIONS + ")");
    expect("(");
    List<String> args = new ArrayList<>();
    if (!peek().equals(")")) {
      do {
        args.add(additive().sql());
      } while (peek().equals(",") && pos++ >= 0);
    }
    expect(")");
    boolean bool = Set.of("starts_with", "ends_with", "contains").contains(name);
    return new Node(name + "(" + String.join(", ", args) + ")", bool);
  }

  /** A literal as SQL, consumed; empty when the next token is none. */
  private java.util.Optional<String> literal() {
    String t = peek();
    if (t.startsWith("'")) {
      pos++;
      return java.util.Optional.of(t);
    }
    if (!t.isEmpty() && (Character.isDigit(t.charAt(0)) || (t.equals("-") && pos + 1 < tokens.size()
        && Character.isDigit(tokens.get(pos + 1).charAt(0))))) {
      if (t.equals("-")) {
        pos += 2;
        return java.util.Optional.of("-" + tokens.get(pos - 1));
      }
      pos++;
      return java.util.Optional.of(t);
    }
    for (String kw : List.of("true", "false", "null")) {
      if (t.equalsIgnoreCase(kw)) {
        pos++;
        return java.util.Optional.of(kw.toUpperCase(Locale.ROOT));
      }
    }
    if ((t.equalsIgnoreCase("date") || t.equalsIgnoreCase("timestamp")) && pos + 1 < tokens.size()
        && tokens.get(pos + 1).startsWith("'")) {
      pos += 2;
      return java.util.Optional.of(t.toUpperCase(Locale.ROOT) + " " + tokens.get(pos - 1));
    }
    return java.util.Optional.empty();
  }

  /** Tokens: 'strings' (kept quoted, '' escapes), "identifiers" (kept quoted), words, numbers, operators. */
  static List<String> lex(String s) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '\'' || c == '"') {
        int j = i + 1;
        while (true) {
          if (j >= s.length()) throw new IllegalArgumentException("unterminated " + (c == '\'' ? "string" : "quoted name") + " in the filter");
          if (s.charAt(j) == c) {
            if (j + 1 < s.length() && s.charAt(j + 1) == c) j += 2;
            else break;
          } else {
            j++;
          }
        }
        out.add(s.substring(i, j + 1));
        i = j + 1;
      } else if (Character.isLetter(c) || c == '_') {
        int j = i;
        while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) j++;
        out.add(s.substring(i, j));
        i = j;
      } else if (Character.isDigit(c)) {
        int j = i;
        while (j < s.length() && (Character.isDigit(s.charAt(j)) || s.charAt(j) == '.')) j++;
        String num = s.substring(i, j);
        if (!num.matches("\\d+(\\.\\d+)?")) throw new IllegalArgumentException("bad number " + num + " in the filter");
        out.add(num);
        i = j;
      } else {
        String two = i + 1 < s.length() ? s.substring(i, i + 2) : "";
        if (Set.of("<>", "!=", "<=", ">=", "||").contains(two)) {
          out.add(two);
          i += 2;
        } else if ("=<>()+-*/,".indexOf(c) >= 0) {
          out.add(String.valueOf(c));
          i++;
        } else {
          throw new IllegalArgumentException("the character '" + c + "' is not accepted in a filter");
        }
      }
    }
    return out;
  }
}
