package io.tenantlake.engine.event;

/** Where an event entered: the live stream, a bulk bootstrap from S3, or a replay/migration import. */
public enum Lane {
  LIVE,
  BOOTSTRAP,
  IMPORT;

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
