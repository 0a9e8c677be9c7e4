package io.tenantlake.engine.model;

/**
 * A model that cannot be loaded or run: unknown source entity type, missing SQL file, SQL that does
 * not bind, output without its routing or key columns, a column type with no refined counterpart.
 * The message always starts with {@code model <name>:}, so a start-up failure names the culprit.
 */
public final class ModelException extends RuntimeException {
  private final String model;

  public ModelException(String model, String reason) {
    this(model, reason, null);
  }

  public ModelException(String model, String reason, Throwable cause) {
    super("model " + model + ": " + reason, cause);
    this.model = model;
  }

  /** The model's name (as configured, possibly blank when the configuration lacks it). */
  public String model() {
    return model;
  }
}
