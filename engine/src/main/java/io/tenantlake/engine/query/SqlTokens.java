package io.tenantlake.engine.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A lexer for DuckDB's SQL dialect, just enough to classify a statement: comments ({@code --} to
 * the end of the line, {@code /* *&#47;} nested as in PostgreSQL) are dropped, string literals
 * ({@code '...'} with {@code ''}, {@code E'...'} with backslash escapes, {@code $tag$...$tag$})
 * and quoted identifiers ({@code "..."} with {@code ""}) become single tokens, so nothing inside
 * them is ever taken for a keyword, a function name or a statement separator.
 */
final class SqlTokens {
  enum Kind { WORD, QUOTED_IDENT, STRING, NUMBER, SEMICOLON, OPEN_PAREN, SYMBOL }

  /** A token: its kind and, for words and quoted identifiers, the name in lower case. */
  record Token(Kind kind, String text) {}

  /** Thrown for text that cannot be a statement (an unterminated literal or comment). */
  static final class LexException extends RuntimeException {
    LexException(String message) {
      super(message);
    }
  }

  private SqlTokens() {}

  static List<Token> lex(String sql) {
    List<Token> out = new ArrayList<>();
    int n = sql.length();
    int i = 0;
    while (i < n) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        while (i < n && sql.charAt(i) != '\n' && sql.charAt(i) != '\r') i++;
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        i = skipBlockComment(sql, i);
      } else if (c == '\'') {
        i = quoted(sql, i, '\'', false);
        out.add(new Token(Kind.STRING, ""));
      } else if ((c == 'e' || c == 'E') && i + 1 < n && sql.charAt(i + 1) == '\'') {
        i = quoted(sql, i + 1, '\'', true);
        out.add(new Token(Kind.STRING, ""));
      } else if (c == '"') {
        int end = quoted(sql, i, '"', false);
        out.add(new Token(Kind.QUOTED_IDENT, sql.substring(i + 1, end - 1).replace("\"\"", "\"").toLowerCase(Locale.ROOT)));
        i = end;
      } else if (c == '$' && dollarTag(sql, i) != null) {
        String tag = dollarTag(sql, i);
        int end = sql.indexOf(tag, i + tag.length());
        if (end < 0) throw new LexException("unterminated dollar-quoted string");
        out.add(new Token(Kind.STRING, ""));
        i = end + tag.length();
      } else if (Character.isLetter(c) || c == '_') {
        int s = i;
        while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_' || sql.charAt(i) == '$')) i++;
        out.add(new Token(Kind.WORD, sql.substring(s, i).toLowerCase(Locale.ROOT)));
      } else if (Character.isDigit(c)) {
        while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '.' || sql.charAt(i) == '_')) i++;
        out.add(new Token(Kind.NUMBER, ""));
      } else if (c == ';') {
        out.add(new Token(Kind.SEMICOLON, ";"));
        i++;
      } else if (c == '(') {
        out.add(new Token(Kind.OPEN_PAREN, "("));
        i++;
      } else {
        out.add(new Token(Kind.SYMBOL, String.valueOf(c)));
        i++;
      }
    }
    return out;
  }

  private static int skipBlockComment(String sql, int start) {
    int depth = 0;
    int i = start;
    while (i < sql.length()) {
      if (sql.startsWith("/*", i)) {
        depth++;
        i += 2;
      } else if (sql.startsWith("*/", i)) {
        depth--;
        i += 2;
        if (depth == 0) return i;
      } else {
        i++;
      }
    }
    throw new LexException("unterminated /* comment");
  }

  /** The index after the closing quote of a literal starting at {@code start}. */
  private static int quoted(String sql, int start, char quote, boolean backslashEscapes) {
    int i = start + 1;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (backslashEscapes && c == '\\') {
        i += 2;
      } else if (c == quote) {
        if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
          i += 2;
        } else {
          return i + 1;
        }
      } else {
        i++;
      }
    }
    throw new LexException(quote == '"' ? "unterminated quoted identifier" : "unterminated string literal");
  }

  /** {@code $$} or {@code $tag$} at i, or null (a {@code $1} parameter, say). */
  private static String dollarTag(String sql, int i) {
    int j = i + 1;
    while (j < sql.length() && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) j++;
    if (j < sql.length() && sql.charAt(j) == '$') {
      String tag = sql.substring(i, j + 1);
      if (tag.length() > 2 && Character.isDigit(tag.charAt(1))) return null;
      return tag;
    }
    return null;
  }
}
